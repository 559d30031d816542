using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// One live transcription session over a WebSocket: reads client events (session updates, audio appends, commits,
/// clears), keeps the uncommitted audio, runs server VAD when configured, and transcribes each committed turn in
/// order through the same router as the file endpoint, sending deltas and a completed (or failed) event per turn.
/// A bad client event gets an error event and the session goes on; the client leaving cancels the turn in work.
/// </summary>
internal sealed class RealtimeSession
{
    /// <summary>Longest a client may leave one event unread before the session gives up on it.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocket _socket;
    private readonly RealtimeCaller _caller;
    private readonly RealtimeSessions _host;
    private readonly RealtimeOptions _options;
    private readonly ILogger _logger;
    private readonly string _id = RealtimeIds.New("sess");
    private readonly long _expiresAt;
    private readonly Channel<byte[]> _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(256) { SingleReader = true });
    private readonly Channel<TurnAudio> _turns;
    private RealtimeSessionConfig _config;
    private InputAudioBuffer _buffer;
    private ServerVad? _vad;
    private bool _vadUnavailable;
    private string? _pendingItemId;
    private string? _lastItemId;
    private short[] _decodeScratch = [];

    /// <summary>The first byte of a 16-bit sample whose second byte the next append brings (-1: none): appends may split samples.</summary>
    private int _carry = -1;
    private CancellationToken _lifetime;
    private Task? _pendingReceive;
    private int _turnsInWork;

    public RealtimeSession(WebSocket socket, RealtimeCaller caller, RealtimeSessions host)
    {
        _socket = socket;
        _caller = caller;
        _host = host;
        _options = host.Options;
        _logger = host.Logger;
        _config = caller.Initial ?? new RealtimeSessionConfig { Model = host.DefaultModel };
        _buffer = NewBuffer();
        _turns = Channel.CreateBounded<TurnAudio>(new BoundedChannelOptions(_options.MaxPendingTurns) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _expiresAt = host.Time.GetUtcNow().Add(_options.MaxSessionDuration).ToUnixTimeSeconds();
    }

    public string Id => _id;

    public async Task RunAsync(CancellationToken aborted)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        session.CancelAfter(_options.MaxSessionDuration);
        _lifetime = session.Token;
        var sender = SendLoopAsync(session);
        var transcriber = TranscribeLoopAsync(session.Token);
        string closeReason = "session ended";
        try
        {
            await SendAsync(RealtimeEvents.SessionCreated(_config, _id, _expiresAt)).ConfigureAwait(false);
            closeReason = await ReceiveLoopAsync(session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            closeReason = "session expired";
            await TrySendAsync(RealtimeEvents.Error(ApiException.InvalidRequest, "session_expired",
                $"The session reached its maximum duration of {_options.MaxSessionDuration.TotalMinutes:0.#} minutes.", null, null)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            closeReason = "client gone";
        }
        finally
        {
            // The client is gone or done: nothing more is transcribed for it, the turn in work is aborted.
            _turns.Writer.TryComplete();
            await session.CancelAsync().ConfigureAwait(false);
            try
            {
                await transcriber.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            _outgoing.Writer.TryComplete();
            await sender.ConfigureAwait(false);
            await CloseAsync(closeReason).ConfigureAwait(false);
            _vad?.Dispose();
            _logger.LogInformation("Realtime session {Session} of key {Key} ended: {Reason}", _id, _caller.KeyId, closeReason);
        }
    }

    /// <summary>
    /// Reads client events until the client closes or leaves, the session expires, or the client has been silent for
    /// Realtime:IdleTimeout with no turn in work. A pending receive is never cancelled (that would abort the socket
    /// before the error event explaining why could be sent): timeouts race it instead, and the close handshake ends it.
    /// </summary>
    private async Task<string> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        var ended = Task.Delay(Timeout.Infinite, cancellationToken);
        try
        {
            bool tooLarge = false;
            while (true)
            {
                // A client that never pauses still meets the session's end.
                cancellationToken.ThrowIfCancellationRequested();
                var receive = _socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None).AsTask();
                _pendingReceive = receive;
                while (!receive.IsCompleted)
                {
                    var idle = Task.Delay(_options.IdleTimeout, cancellationToken);
                    var first = await Task.WhenAny(receive, idle, ended).ConfigureAwait(false);
                    if (first == ended || (first == idle && idle.IsCanceled))
                    {
                        throw new OperationCanceledException(cancellationToken);
                    }
                    if (first == idle && Volatile.Read(ref _turnsInWork) == 0)
                    {
                        await TrySendAsync(RealtimeEvents.Error(ApiException.InvalidRequest, "session_idle",
                            $"No client event for {_options.IdleTimeout.TotalSeconds:0} s; the session is closed.", null, null)).ConfigureAwait(false);
                        return "idle";
                    }
                }
                var received = await receive.ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return "closed by client";
                }
                if (!tooLarge && message.WrittenCount + received.Count > _options.MaxEventBytes)
                {
                    tooLarge = true;
                    message.Clear();
                }
                if (!tooLarge)
                {
                    message.Write(chunk.AsSpan(0, received.Count));
                }
                if (!received.EndOfMessage)
                {
                    continue;
                }
                if (tooLarge)
                {
                    await SendErrorAsync(new RealtimeEventException(
                        $"A client event may be at most {_options.MaxEventBytes} bytes; send audio in smaller appends.", null, "event_too_large"), null).ConfigureAwait(false);
                }
                else if (received.MessageType == WebSocketMessageType.Binary)
                {
                    await SendErrorAsync(new RealtimeEventException(
                        "Binary frames are not events: send JSON text frames (audio goes base64 in input_audio_buffer.append).", null, "invalid_frame"), null).ConfigureAwait(false);
                }
                else
                {
                    await HandleAsync(message.WrittenMemory).ConfigureAwait(false);
                }
                tooLarge = false;
                message.Clear();
                if (message.Capacity > 1 << 20)
                {
                    message = new ArrayBufferWriter<byte>(64 * 1024);
                }
            }
        }
        finally
        {
            if (_pendingReceive is not { IsCompleted: false })
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> json)
    {
        string? eventId = null;
        try
        {
            using var document = ParseEvent(json.Span);
            var root = document.RootElement;
            if (root.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                eventId = id.GetString();
            }
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
                : throw new RealtimeEventException("Every client event needs a string 'type'.", "type", "missing_required_parameter");
            switch (type)
            {
                case "session.update":
                case "transcription_session.update":
                    await UpdateAsync(root, beta: type != "session.update").ConfigureAwait(false);
                    break;
                case "input_audio_buffer.append":
                    await AppendAsync(root).ConfigureAwait(false);
                    break;
                case "input_audio_buffer.commit":
                    await CommitAsync(_buffer.End, manual: true).ConfigureAwait(false);
                    break;
                case "input_audio_buffer.clear":
                    _buffer.Clear();
                    _carry = -1;
                    _vad?.Reset(_buffer.End);
                    _pendingItemId = null;
                    await SendAsync(RealtimeEvents.Cleared()).ConfigureAwait(false);
                    break;
                default:
                    throw new RealtimeEventException(
                        $"Unknown or unsupported event type '{type}' in a transcription session; use session.update, input_audio_buffer.append, .commit or .clear.",
                        "type", "unknown_event_type");
            }
        }
        catch (RealtimeEventException e)
        {
            await SendErrorAsync(e, eventId).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await SendAsync(RealtimeEvents.Error(e.Type, e.Code, e.Message, e.Param, eventId)).ConfigureAwait(false);
        }
    }

    private static JsonDocument ParseEvent(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new RealtimeEventException($"The event is not valid JSON: {e.Message}", null, "invalid_json");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new RealtimeEventException("A client event is a JSON object.", null, "invalid_json");
        }
        return document;
    }

    private async Task UpdateAsync(JsonElement root, bool beta)
    {
        if (!root.TryGetProperty("session", out var session))
        {
            throw new RealtimeEventException("session.update needs a 'session' object.", "session", "missing_required_parameter");
        }
        var updated = beta ? _config.ApplyBeta(session) : _config.Apply(session);
        _host.CheckModel(updated);
        if (updated.Format != _config.Format && _buffer.Count > 0)
        {
            throw new RealtimeEventException("The audio format cannot change while audio is buffered; commit or clear first.", "session.audio.input.format", "buffer_not_empty");
        }
        bool vadChanged = updated.TurnDetection != _config.TurnDetection || updated.Format != _config.Format;
        if (updated.Format != _config.Format)
        {
            // The timeline goes on at the new rate (audio_start_ms stays continuous).
            long position = _buffer.End * updated.SampleRate / _config.SampleRate;
            _config = updated;
            _buffer = NewBuffer(position);
            _carry = -1;
        }
        _config = updated;
        if (vadChanged)
        {
            _vad?.Dispose();
            _vad = null;
            _vadUnavailable = false;
        }
        await SendAsync(RealtimeEvents.SessionUpdated(_config, _id, _expiresAt, beta)).ConfigureAwait(false);
    }

    private InputAudioBuffer NewBuffer(long position = 0) => new((int)(_options.MaxTurnAudio.TotalSeconds * _config.SampleRate), position);

    private async Task AppendAsync(JsonElement root)
    {
        if (!root.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
        {
            throw new RealtimeEventException("input_audio_buffer.append needs 'audio': base64 of the audio bytes.", "audio", "missing_required_parameter");
        }
        var base64 = audio.GetString()!;
        var bytes = ArrayPool<byte>.Shared.Rent(base64.Length / 4 * 3 + 3);
        try
        {
            if (!Convert.TryFromBase64String(base64, bytes, out int length))
            {
                throw new RealtimeEventException("'audio' is not valid base64.", "audio", "invalid_base64");
            }
            bool pcm16 = _config.Format == RealtimeAudioFormat.Pcm24k;
            int samples = pcm16 ? Pcm16Assembler.SampleCount(_carry, length) : length;
            if (_decodeScratch.Length < samples)
            {
                _decodeScratch = new short[Math.Max(samples, 4096)];
            }
            var pcm = _decodeScratch.AsSpan(0, samples);
            int carry = -1;
            if (pcm16)
            {
                carry = Pcm16Assembler.Assemble(_carry, bytes.AsSpan(0, length), pcm);
            }
            else
            {
                G711.Decode(bytes.AsSpan(0, length), pcm, _config.Format);
            }
            if (!_buffer.TryAppend(pcm))
            {
                throw new RealtimeEventException(
                    $"The input audio buffer holds at most {_options.MaxTurnAudio.TotalSeconds:0} s; commit (or clear) before appending more.", "audio", "input_audio_buffer_full");
            }
            _carry = carry;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        await RunVadAsync().ConfigureAwait(false);
    }

    private async Task RunVadAsync()
    {
        if (_config.TurnDetection is not { } detection)
        {
            return;
        }
        if (_vad is null && !_vadUnavailable)
        {
            _vad = ServerVad.TryCreate(_host.Engine, detection, _config.SampleRate, _buffer.Start);
            if (_vad is null)
            {
                _vadUnavailable = true;
                await SendAsync(RealtimeEvents.Error(ApiException.ServerError, "vad_unavailable",
                    "Server VAD is unavailable (the Silero model could not be loaded); set turn_detection to null and commit turns yourself.", "session.audio.input.turn_detection", null)).ConfigureAwait(false);
            }
        }
        if (_vad is null)
        {
            return;
        }
        foreach (var e in _vad.Scan(_buffer))
        {
            switch (e)
            {
                case TurnEvent.SpeechStarted started:
                    _pendingItemId = RealtimeIds.New(RealtimeEvents.ItemPrefix);
                    _buffer.DropBefore(started.Position - Samples(detection.PrefixPaddingMs));
                    await SendAsync(RealtimeEvents.SpeechStarted(_pendingItemId, Ms(started.Position))).ConfigureAwait(false);
                    break;
                case TurnEvent.SpeechStopped stopped:
                    await SendAsync(RealtimeEvents.SpeechStopped(_pendingItemId ??= RealtimeIds.New(RealtimeEvents.ItemPrefix), Ms(stopped.Position))).ConfigureAwait(false);
                    await CommitAsync(stopped.CommitAt, manual: false).ConfigureAwait(false);
                    break;
                case TurnEvent.IdleTimeout idle:
                    var itemId = _pendingItemId ??= RealtimeIds.New(RealtimeEvents.ItemPrefix);
                    await SendAsync(RealtimeEvents.TimeoutTriggered(itemId, Ms(idle.From), Ms(idle.To))).ConfigureAwait(false);
                    await CommitAsync(idle.To, manual: false).ConfigureAwait(false);
                    break;
            }
        }
        if (!_vad.Turns.InSpeech)
        {
            // Silence between turns is not kept beyond the padding a next turn starts with: memory stays bounded.
            _buffer.DropBefore(_buffer.End - Samples(detection.PrefixPaddingMs));
        }
    }

    private long Samples(int ms) => (long)ms * _config.SampleRate / 1000;

    private long Ms(long position) => position * 1000 / _config.SampleRate;

    private async Task CommitAsync(long end, bool manual)
    {
        long available = Math.Min(end, _buffer.End) - _buffer.Start;
        if (manual && available < Samples(100))
        {
            throw new RealtimeEventException(
                $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {available * 1000.0 / _config.SampleRate:0.00}ms of audio.",
                null, "input_audio_buffer_commit_empty");
        }
        var itemId = _pendingItemId ?? RealtimeIds.New(RealtimeEvents.ItemPrefix);
        _pendingItemId = null;
        long start = _buffer.Start;
        var turn = new TurnAudio(itemId, _lastItemId, _buffer.TakeUntil(end), _config.SampleRate, start);
        if (manual)
        {
            _vad?.Reset(_buffer.End);
        }
        _lastItemId = itemId;
        await SendAsync(RealtimeEvents.Committed(itemId, turn.PreviousItemId)).ConfigureAwait(false);
        Interlocked.Increment(ref _turnsInWork);
        if (!_turns.Writer.TryWrite(turn))
        {
            Interlocked.Decrement(ref _turnsInWork);
            await SendAsync(RealtimeEvents.Failed(itemId, ApiException.RateLimited(
                $"This session already has {_options.MaxPendingTurns} turns waiting for transcription; the turn was not transcribed.",
                "rate_limit_exceeded", TimeSpan.FromSeconds(1)))).ConfigureAwait(false);
        }
    }

    private async Task TranscribeLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        await foreach (var turn in _turns.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _host.TranscribeAsync(turn, _config, _caller, SendAsync, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _turnsInWork);
            }
        }
    }

    /// <summary>
    /// The one writer of the socket. Frames still queued when the session ends are sent within a short grace (the
    /// error event that explains an expiry); a socket that fails ends the session, and later frames are dropped.
    /// </summary>
    private async Task SendLoopAsync(CancellationTokenSource session)
    {
        bool broken = false;
        await foreach (var frame in _outgoing.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (broken || _socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                continue;
            }
            try
            {
                // Never the session's token: cancelling a send in flight aborts the socket, and the frames that explain
                // why the session ends would be lost. A client that reads nothing for SendTimeout is cut off.
                using var timeout = new CancellationTokenSource(session.IsCancellationRequested ? TimeSpan.FromSeconds(1) : SendTimeout);
                await _socket.SendAsync(frame, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                broken = true;
                await session.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask SendAsync(byte[] frame)
    {
        try
        {
            await _outgoing.Writer.WriteAsync(frame, _lifetime).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
        }
    }

    /// <summary>Queues a last frame while the session is ending (never waits).</summary>
    private ValueTask TrySendAsync(byte[] frame)
    {
        _outgoing.Writer.TryWrite(frame);
        return ValueTask.CompletedTask;
    }

    private ValueTask SendErrorAsync(RealtimeEventException e, string? eventId) =>
        SendAsync(RealtimeEvents.Error(ApiException.InvalidRequest, e.Code, e.Message, e.Param, eventId));

    /// <summary>
    /// Ends the WebSocket with a close handshake (after the last events were flushed): our close frame, then the
    /// client's answer on the receive still pending, within a short grace; a client that does not answer is cut off.
    /// </summary>
    private async Task CloseAsync(string reason)
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                var status = reason is "session expired" or "idle" ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure;
                await _socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            }
            // The client may still be sending (it has not read our close yet): its frames are read and dropped until its
            // close arrives, so what we sent last is not lost to a reset while it is unread.
            var grace = Task.Delay(TimeSpan.FromSeconds(2));
            var scratch = new byte[16 * 1024];
            var receive = _pendingReceive;
            while (_socket.State == WebSocketState.CloseSent)
            {
                receive ??= _socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None).AsTask();
                if (await Task.WhenAny(receive, grace).ConfigureAwait(false) == grace)
                {
                    break;
                }
                await receive.ConfigureAwait(false);
                receive = null;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }
    }
}
