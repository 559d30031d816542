using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Api;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Engines.WhisperCpp;

/// <summary>
/// The local engine: one <see cref="WhisperModel"/>, a <see cref="WhisperStatePool"/> of decoding
/// slots, and whisper.cpp's built-in Silero VAD. Each run computes on its own thread (the native call
/// blocks for seconds to minutes and must not hold a thread-pool thread); segments are reported as
/// whisper produces them; cancellation and the per-request timeout abort the native work.
/// </summary>
public sealed class WhisperEngine : IWhisperEngine, IDisposable
{
    public const int SampleRate = 16_000;

    // whisper.cpp skips input shorter than 1 s ("input is too short"); shorter clips are padded
    // with silence to this length and the result is clipped back to the real duration.
    private const int MinimumSamples = SampleRate + SampleRate / 10;

    private readonly WhisperOptions _options;
    private readonly ILogger<WhisperEngine> _logger;
    private readonly Lock _loadGate = new();
    private readonly int _threadsPerSlot;
    private Task? _loading;
    private WhisperModel? _model;
    private WhisperStatePool? _pool;
    private string? _loadError;
    private bool _disposed;

    public WhisperEngine(IOptions<WhisperOptions> options, ILogger<WhisperEngine> logger)
    {
        _options = options.Value;
        _logger = logger;
        var cores = Environment.ProcessorCount;
        SlotsTotal = _options.EffectiveSlots(cores);
        _threadsPerSlot = _options.EffectiveThreadsPerSlot(cores);
        QueueCapacity = _options.EffectiveQueueCapacity(cores);
    }

    public int SlotsTotal { get; }

    public int QueueCapacity { get; }

    /// <summary>The loaded model, or null while loading or after a failed load.</summary>
    public WhisperModel? Model => Volatile.Read(ref _model);

    public WhisperEngineStatus Status
    {
        get
        {
            var model = Model;
            var pool = Volatile.Read(ref _pool);
            return new WhisperEngineStatus
            {
                ModelLoaded = model is not null,
                ModelPath = model?.Path ?? _options.ModelPath,
                IsSyntheticModel = model?.File.IsSynthetic ?? false,
                IsMultilingual = model?.IsMultilingual ?? false,
                ModelType = model?.ModelType,
                LoadError = Volatile.Read(ref _loadError),
                SlotsTotal = SlotsTotal,
                SlotsBusy = pool?.SlotsBusy ?? 0,
                QueueLength = pool?.QueueLength ?? 0,
                QueueCapacity = QueueCapacity,
                ThreadsPerSlot = _threadsPerSlot,
                VadAvailable = File.Exists(_options.EffectiveVadModelPath),
            };
        }
    }

    /// <summary>
    /// Starts loading the model (once; later calls return the same task) and completes when loading
    /// has finished, successfully or not. Never throws: a failure is kept in <see cref="Status"/>.
    /// </summary>
    public Task EnsureLoadedAsync()
    {
        lock (_loadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _loading ??= Task.Run(Load);
        }
    }

    private void Load()
    {
        var path = _options.ModelPath;
        try
        {
            WhisperNativeLibrary.Configure(_options.NativeDirectory);
            WhisperNativeLibrary.RouteLogTo(_logger);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new FileNotFoundException(
                    $"No whisper model is configured: set Whisper:ModelPath or the {WhisperOptions.ModelPathVariable} environment variable.");
            }
            NativeHeap.FixMmapThreshold();
            var started = Stopwatch.GetTimestamp();
            var model = WhisperModel.Load(path);
            lock (_loadGate)
            {
                if (_disposed)
                {
                    model.Dispose();
                    return;
                }
                _pool = new WhisperStatePool(SlotsTotal, QueueCapacity, model.CreateState);
                _model = model;
            }
            _logger.LogInformation(
                "Loaded whisper model {Path} ({Type}, multilingual {Multilingual}, synthetic {Synthetic}) in {Ms} ms; {Slots} slot(s) x {Threads} thread(s), queue {Queue}",
                model.Path, model.ModelType, model.IsMultilingual, model.File.IsSynthetic,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, SlotsTotal, _threadsPerSlot, QueueCapacity);
            if (model.File.IsSynthetic)
            {
                _logger.LogWarning("LOCAL MODEL IS A GENERATED TEST MODEL ({Path}): random weights, its transcripts are meaningless. Set Whisper__ModelPath (or WHISPER_MODEL) to a real ggml model for real text.", model.Path);
            }
        }
        catch (Exception e)
        {
            Volatile.Write(ref _loadError, e.Message);
            _logger.LogError(e, "The whisper model {Path} could not be loaded; local transcription answers 503", path);
        }
    }

    public async Task<TranscriptionResult> TranscribeAsync(float[] samples, WhisperDecodeOptions options,
        Action<TranscriptSegment>? onSegment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        await EnsureLoadedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var model = Model;
        var pool = Volatile.Read(ref _pool);
        if (model is null || pool is null)
        {
            // The load error names files on this machine: it is for the operator (log, /health), not for callers.
            throw new ApiError(503, "The local whisper model is not loaded; the server's log and /health say why.",
                ApiError.ApiErrorType, null, "model_not_loaded");
        }

        var language = ResolveLanguage(model, options.Language);
        var duration = samples.Length / (double)SampleRate;
        var useVad = options.UseVad ?? duration > _options.VadMinDurationSeconds;
        if (useVad && !File.Exists(_options.EffectiveVadModelPath))
        {
            if (options.UseVad == true)
            {
                throw new ApiError(503, "Voice activity detection was requested but its model is not installed.",
                    ApiError.ApiErrorType, null, "vad_not_available");
            }
            _logger.LogWarning("VAD model {Path} is missing; transcribing {Seconds:0.#} s without VAD",
                _options.EffectiveVadModelPath, duration);
            useVad = false;
        }

        WhisperStateLease lease;
        using (var queued = SttTelemetry.Start("stt.engine.queue", SttTelemetry.QueueWait))
        {
            lease = await queued.RunAsync(() => pool.AcquireAsync(cancellationToken).AsTask()).ConfigureAwait(false);
        }
        var job = new WhisperRun(model, lease, samples, options, language, useVad, onSegment, cancellationToken, _options.RequestTimeout);
        var completion = new TaskCompletionSource<TranscriptionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            TranscriptionResult? result = null;
            Exception? failure = null;
            try
            {
                result = Run(job);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                if (job.SampledRandomly)
                {
                    // A fresh state restarts whisper's sampling generator at its seed, so the same request
                    // always gives the same transcript, as whisper-cli does. Made here, on the thread that
                    // freed the old one: glibc then reuses that memory instead of growing another arena.
                    lease.Slot.RenewState();
                }
                job.Dispose();
                lease.Dispose();
            }
            // The slot is free before the caller sees the outcome.
            if (failure is null)
            {
                completion.SetResult(result!);
            }
            else
            {
                completion.SetException(failure);
            }
        }, maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = $"whisper-slot-{lease.SlotIndex}",
        };
        try
        {
            thread.Start();
        }
        catch
        {
            job.Dispose();
            lease.Dispose();
            throw;
        }
        return await completion.Task.ConfigureAwait(false);
    }

    private static unsafe string? ResolveLanguage(WhisperModel model, string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return model.IsMultilingual ? null : "en";
        }
        var code = requested.Trim().ToLowerInvariant();
        var utf8 = Marshal.StringToCoTaskMemUTF8(code);
        int id;
        try
        {
            id = WhisperNative.LangId((byte*)utf8);
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
        if (id < 0)
        {
            throw ApiError.BadRequest($"Language '{requested}' is not supported. Use an ISO-639-1 code such as 'en' or 'de'.", "language");
        }
        // whisper_lang_id also accepts full names ("german"); answer with the code.
        var canonical = WhisperNative.Utf8(WhisperNative.LangStr(id));
        if (!model.IsMultilingual && canonical != "en")
        {
            throw ApiError.BadRequest(
                $"The local model '{model.ModelType}.en' is English-only; language '{requested}' cannot be transcribed with it.", "language");
        }
        return canonical;
    }

    private unsafe TranscriptionResult Run(WhisperRun job)
    {
        var started = Stopwatch.GetTimestamp();
        var samples = job.Samples;
        var duration = samples.Length / (double)SampleRate;
        SpeechTimeline? timeline = null;
        var vadMs = 0.0;
        if (job.UseVad)
        {
            var vadStarted = Stopwatch.GetTimestamp();
            using (var vad = SttTelemetry.Start("stt.engine.vad", SttTelemetry.VadDuration))
            {
                timeline = DetectSpeech(job);
                vad.Succeed();
            }
            vadMs = Stopwatch.GetElapsedTime(vadStarted).TotalMilliseconds;
            job.ThrowIfStopped();
            if (timeline.RegionCount == 0)
            {
                _logger.LogDebug("VAD found no speech in {Seconds:0.##} s of audio", duration);
                return job.BuildResult(duration) with { Timings = new EngineTimings(vadMs, 0) };
            }
            samples = timeline.Concatenate(samples);
            job.Timeline = timeline;
        }
        if (samples.Length < MinimumSamples)
        {
            Array.Resize(ref samples, MinimumSamples);
        }

        var state = job.Lease.State;
        var defaults = WhisperNative.FullDefaultParamsByRef(WhisperSamplingStrategy.Greedy);
        var p = *defaults;
        WhisperNative.FreeParams(defaults);

        var languageUtf8 = job.Language is null ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(job.Language);
        var promptUtf8 = string.IsNullOrWhiteSpace(job.Options.Prompt) ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(job.Options.Prompt);
        var self = GCHandle.Alloc(job);
        try
        {
            p.NThreads = _threadsPerSlot;
            p.Translate = job.Options.Task == TranscriptionTask.Translate ? (byte)1 : (byte)0;
            p.NoContext = 1;
            p.NoTimestamps = 0;
            p.SingleSegment = 0;
            p.PrintSpecial = 0;
            p.PrintProgress = 0;
            p.PrintRealtime = 0;
            p.PrintTimestamps = 0;
            p.TokenTimestamps = 1;
            p.Language = (byte*)languageUtf8;
            p.DetectLanguage = 0;
            p.InitialPrompt = (byte*)promptUtf8;
            if (job.Options.Temperature > 0)
            {
                p.Temperature = Math.Min(job.Options.Temperature, 1f);
                p.TemperatureInc = 0;
            }
            else
            {
                p.Temperature = 0;
                p.TemperatureInc = 0.2f;
            }
            p.GreedyBestOf = _options.BestOf;
            p.Vad = 0; // VAD ran above: whisper_full_with_state ignores this flag in 1.9.1 anyway.

            var user = GCHandle.ToIntPtr(self);
            p.NewSegmentCallback = &OnNewSegment;
            p.NewSegmentCallbackUserData = user;
            p.EncoderBeginCallback = &OnEncoderBegin;
            p.EncoderBeginCallbackUserData = user;
            p.AbortCallback = &OnAbortCheck;
            p.AbortCallbackUserData = user;
            if (p.TemperatureInc > 0)
            {
                // Only needed to tell which fallback temperature won. With BestOf > 1 whisper calls it
                // from short-lived std::threads too (the runtime attaches them); with the default 1 it
                // stays on this thread.
                p.LogitsFilterCallback = &OnLogitsFilter;
                p.LogitsFilterCallbackUserData = user;
            }
            job.TemperatureStart = p.Temperature;
            job.TemperatureIncrement = p.TemperatureInc;
            job.SampledRandomly = p.Temperature > 0;

            int code;
            var fullStarted = Stopwatch.GetTimestamp();
            using (var inference = SttTelemetry.Start("stt.engine.inference", SttTelemetry.InferenceDuration).Tag("model", job.Model.ModelType))
            {
                fixed (float* pcm = samples)
                {
                    code = WhisperNative.FullWithState(job.Model.Context, state, p, pcm, samples.Length);
                }
                if (job.IsStopped)
                {
                    inference.Cancel();
                }
                else if (code == 0)
                {
                    inference.Succeed();
                }
            }
            var inferenceMs = Stopwatch.GetElapsedTime(fullStarted).TotalMilliseconds;
            job.ThrowIfStopped();
            if (code != 0)
            {
                throw new ApiError(500, $"whisper.cpp failed to transcribe the audio (code {code}).", ApiError.ServerError, null, "engine_error");
            }
            // Segments the callback did not see (it reports each batch; this is a safety net).
            job.CollectSegments(state.DangerousGetHandle());
            if (job.Language is null)
            {
                var id = WhisperNative.FullLangIdFromState(state.DangerousGetHandle());
                job.DetectedLanguage = id >= 0 ? WhisperNative.Utf8(WhisperNative.LangStr(id)) : null;
            }
            var result = job.BuildResult(duration) with { Timings = new EngineTimings(vadMs, inferenceMs) };
            _logger.LogDebug("Transcribed {Seconds:0.##} s in {Ms} ms on slot {Slot}: {Segments} segment(s), VAD {Vad}",
                duration, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, job.Lease.SlotIndex, result.Segments.Count,
                timeline is not null);
            return result;
        }
        finally
        {
            self.Free();
            Marshal.FreeCoTaskMem(languageUtf8);
            Marshal.FreeCoTaskMem(promptUtf8);
        }
    }

    /// <summary>
    /// Audio scanned by one uninterruptible VAD call. Silero in whisper.cpp costs about 0.1 s of CPU per
    /// second of audio, so 10 s blocks let a cancelled request give its slot back within about a second.
    /// </summary>
    private const int VadBlockSamples = 10 * SampleRate;

    /// <summary>Audio before a block that is scanned with it (not reported) so the detector starts warm.</summary>
    private const int VadLeadInSamples = 2 * SampleRate;

    /// <summary>Regions either side of a block edge closer than this (centiseconds: two 30 ms paddings plus one) are one region.</summary>
    private const double VadJoinGapCs = 7;

    private unsafe SpeechTimeline DetectSpeech(WhisperRun job)
    {
        var slot = job.Lease.Slot;
        if (slot.Vad is null)
        {
            var contextParams = WhisperNative.VadDefaultContextParams();
            contextParams.NThreads = _threadsPerSlot;
            contextParams.UseGpu = 0;
            var pathUtf8 = Marshal.StringToCoTaskMemUTF8(_options.EffectiveVadModelPath);
            try
            {
                var vad = WhisperNative.VadInitFromFileWithParams((byte*)pathUtf8, contextParams);
                if (vad == IntPtr.Zero)
                {
                    throw new ApiError(503, "The VAD model could not be loaded.", ApiError.ApiErrorType, null, "vad_not_available");
                }
                slot.Vad = new WhisperVadContextHandle(vad);
            }
            finally
            {
                Marshal.FreeCoTaskMem(pathUtf8);
            }
        }

        var vadParams = WhisperNative.VadDefaultParams();
        vadParams.Threshold = _options.VadThreshold;
        vadParams.MinSilenceDurationMs = _options.VadMinSilenceMs;
        vadParams.SpeechPadMs = _options.VadSpeechPadMs;
        // Regions longer than whisper's 30 s window are split so no window straddles a cut.
        vadParams.MaxSpeechDurationS = 29.5f;
        // whisper_vad_segments_from_samples cannot be aborted, so long audio is scanned in blocks with a
        // cancellation check between them; a region cut by a block edge is rejoined when the result still
        // fits one whisper window.
        var regions = new List<(double Start, double End)>();
        int block = VadBlockSamples;
        for (int offset = 0; offset < job.Samples.Length; offset += block)
        {
            job.ThrowIfStopped();
            // Each block is scanned with a lead-in of the audio before it, so Silero's state is warm at the
            // block's start; regions are then clipped to the block itself.
            int lead = Math.Min(offset, VadLeadInSamples);
            int start = offset - lead;
            int length = Math.Min(block, job.Samples.Length - offset) + lead;
            double startCs = start * 100.0 / SampleRate, offsetCs = offset * 100.0 / SampleRate;
            IntPtr raw;
            fixed (float* pcm = &job.Samples[start])
            {
                raw = WhisperNative.VadSegmentsFromSamples(slot.Vad, vadParams, pcm, length);
            }
            if (raw == IntPtr.Zero)
            {
                throw new ApiError(500, "Voice activity detection failed.", ApiError.ServerError, null, "engine_error");
            }
            using var segments = new WhisperVadSegmentsHandle(raw);
            var count = WhisperNative.VadSegmentsNSegments(raw);
            for (var i = 0; i < count; i++)
            {
                double t0 = Math.Max(offsetCs, startCs + WhisperNative.VadSegmentsGetSegmentT0(raw, i));
                double t1 = startCs + WhisperNative.VadSegmentsGetSegmentT1(raw, i);
                if (t1 <= t0)
                {
                    continue;
                }
                if (regions.Count > 0 && t0 - regions[^1].End <= VadJoinGapCs
                    && t1 - regions[^1].Start <= vadParams.MaxSpeechDurationS * 100)
                {
                    regions[^1] = (regions[^1].Start, Math.Max(t1, regions[^1].End));
                }
                else
                {
                    regions.Add((t0, t1));
                }
            }
        }
        return SpeechTimeline.FromCentiseconds(regions, job.Samples.Length);
    }

    [UnmanagedCallersOnly]
    private static void OnNewSegment(IntPtr context, IntPtr state, int newCount, IntPtr user)
    {
        var job = (WhisperRun)GCHandle.FromIntPtr(user).Target!;
        try
        {
            job.CollectSegments(state);
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }

    [UnmanagedCallersOnly]
    private static byte OnEncoderBegin(IntPtr context, IntPtr state, IntPtr user)
    {
        var job = (WhisperRun)GCHandle.FromIntPtr(user).Target!;
        job.WindowAttempts = 0;
        return job.IsStopped ? (byte)0 : (byte)1;
    }

    [UnmanagedCallersOnly]
    private static byte OnAbortCheck(IntPtr user)
    {
        var job = (WhisperRun)GCHandle.FromIntPtr(user).Target!;
        return job.IsStopped ? (byte)1 : (byte)0;
    }

    // Used only to count decoding attempts per window: the first step of each attempt is the one
    // call with no tokens yet, so the count tells which fallback temperature produced the segments.
    [UnmanagedCallersOnly]
    private static unsafe void OnLogitsFilter(IntPtr context, IntPtr state, WhisperTokenData* tokens, int tokenCount, float* logits, IntPtr user)
    {
        if (tokenCount == 0)
        {
            var job = (WhisperRun)GCHandle.FromIntPtr(user).Target!;
            if (++job.WindowAttempts > 1)
            {
                job.SampledRandomly = true; // a fallback attempt: temperature > 0
            }
        }
    }

    public void Dispose()
    {
        WhisperStatePool? pool;
        WhisperModel? model;
        lock (_loadGate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            pool = _pool;
            model = _model;
            _pool = null;
            _model = null;
        }
        pool?.Dispose();
        // Runs still in flight hold their own reference to the model's SafeHandle, so whisper_free
        // waits until the last of them has returned.
        model?.Dispose();
    }
}
