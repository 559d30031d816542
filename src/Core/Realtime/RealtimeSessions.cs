using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Models;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// Runs the transcription sessions of this instance: counts them per key (Realtime:MaxSessionsPerKey), checks a
/// session's model with the file endpoint's rules, and transcribes each committed turn through the same router,
/// metering one usage record per turn (operation "realtime").
/// </summary>
public sealed class RealtimeSessions(
    TranscriptionRouter router,
    UsageRecorder usage,
    IOptions<RealtimeOptions> options,
    IOptions<ModelsOptions> models,
    IOptions<WhisperOptions> engine,
    TimeProvider time,
    ILogger<RealtimeSessions> logger)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);
    private int _active;

    public RealtimeOptions Options { get; } = options.Value;

    internal ILogger Logger => logger;

    internal TimeProvider Time => time;

    internal WhisperOptions Engine => engine.Value;

    /// <summary>Sessions open on this instance now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>A session's model when it names none: the first local id (whisper-1 unless Models:LocalIds says otherwise).</summary>
    public string DefaultModel => models.Value.LocalIds.FirstOrDefault() ?? "whisper-1";

    /// <summary>Runs one session on an accepted socket until it ends; throws the 429 when the key has its sessions already.</summary>
    public async Task RunAsync(WebSocket socket, RealtimeCaller caller, CancellationToken aborted)
    {
        var session = new RealtimeSession(socket, caller, this);
        Interlocked.Increment(ref _active);
        logger.LogInformation("Realtime session {Session} of key {Key} opened", session.Id, caller.KeyId);
        try
        {
            await session.RunAsync(aborted).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>Counts a session of <paramref name="keyId"/> until the lease is disposed; throws the 429 past Realtime:MaxSessionsPerKey.</summary>
    public IDisposable Open(string keyId)
    {
        var count = _open.AddOrUpdate(keyId, 1, (_, n) => n + 1);
        if (count > Options.MaxSessionsPerKey)
        {
            Release(keyId);
            throw ApiException.RateLimited($"Key '{keyId}' has {Options.MaxSessionsPerKey} realtime sessions open on this instance already.",
                "session_limit_exceeded", TimeSpan.FromSeconds(1));
        }
        return new Lease(this, keyId);
    }

    private void Release(string keyId)
    {
        if (_open.AddOrUpdate(keyId, 0, (_, n) => n - 1) <= 0)
        {
            _open.TryRemove(new KeyValuePair<string, int>(keyId, 0));
        }
    }

    private sealed class Lease(RealtimeSessions owner, string keyId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(keyId);
            }
        }
    }

    /// <summary>The options a turn of <paramref name="config"/> is transcribed with: the file endpoint's json, streamed where the model streams.</summary>
    internal TranscriptionOptions TurnOptions(RealtimeSessionConfig config)
    {
        var model = router.Resolve(config.Model);
        return new TranscriptionOptions
        {
            Task = TranscriptionTask.Transcribe,
            Model = config.Model,
            Language = config.Language,
            Prompt = config.Prompt.Length == 0 ? null : config.Prompt,
            ResponseFormat = ResponseFormat.Json,
            Stream = model.Capabilities.Streaming,
            IncludeLogprobs = config.IncludeLogprobs && model.Capabilities.Logprobs,
            Keywords = config.Keywords,
            Languages = config.Languages,
        };
    }

    /// <summary>Rejects a configuration the file endpoint would reject for its model (unknown model, bad language, ...).</summary>
    internal void CheckModel(RealtimeSessionConfig config)
    {
        try
        {
            router.Validate(TurnOptions(config));
        }
        catch (ApiException e) when (e.Param is "model" or "language" or "languages" or "keywords" or "prompt")
        {
            throw new RealtimeEventException(e.Message, $"session.audio.input.transcription.{e.Param}", e.Code ?? "invalid_value");
        }
    }

    /// <summary>Transcribes one turn and sends its events through <paramref name="send"/>; meters it whatever the outcome.</summary>
    internal async Task TranscribeAsync(TurnAudio turn, RealtimeSessionConfig config, RealtimeCaller caller,
        Func<byte[], ValueTask> send, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var wav = turn.ToWav();
        var record = new UsageRecord
        {
            Time = time.GetUtcNow(), Id = turn.ItemId, KeyId = caller.KeyId, Operation = UsageRecord.Realtime, Model = config.Model,
            Status = 200, UploadBytes = wav.Length, Stream = true, AudioSeconds = turn.Seconds,
        };
        try
        {
            using var request = new TranscriptionRequest(TurnOptions(config), AudioUpload.FromBytes("turn.wav", wav));
            var observer = new TurnObserver(turn.ItemId);
            var deltas = observer.RelayAsync(send, cancellationToken);
            RoutedResult routed;
            try
            {
                routed = await router.TranscribeAsync(request, observer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                observer.Complete();
                await deltas.ConfigureAwait(false);
            }
            if (!observer.SentAny && routed.Result.Text.Length > 0)
            {
                // A backend that does not stream (whisper through Azure) answers the turn in one delta, as OpenAI's whisper-1 does.
                await send(RealtimeEvents.Delta(turn.ItemId, routed.Result.Text)).ConfigureAwait(false);
            }
            await send(RealtimeEvents.Completed(turn.ItemId, routed.Result, config.IncludeLogprobs)).ConfigureAwait(false);
            record = record with { ServedModel = routed.ServedBy.Id, Backend = routed.Backend, FellBackFrom = routed.FellBackFrom,
                AudioSeconds = request.DecodedSeconds > 0 ? request.DecodedSeconds : turn.Seconds };
            record = record.WithTokens(routed.Result.Usage);
        }
        catch (ApiException e)
        {
            record = record with { Status = e.Status, ErrorCode = e.Code ?? e.Type };
            await send(RealtimeEvents.Failed(turn.ItemId, e)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            record = record with { Status = 499, ErrorCode = "client_disconnected" };
            throw;
        }
        finally
        {
            usage.Record(record with { LatencyMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds });
            caller.ChargeAudio?.Invoke(record.AudioSeconds);
        }
    }
}
