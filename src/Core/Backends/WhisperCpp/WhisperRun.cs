using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// One whisper_full_with_state call, owning its parameters, native callbacks and decoding state: VAD first when
/// asked, then the call on the engine's slot thread. The callbacks reach it through a GCHandle; it turns whisper's segments and tokens into <see cref="TranscriptSegment"/>s
/// (times mapped back through VAD, clipped to the audio, made monotonic) as soon as they appear.
/// </summary>
internal sealed unsafe class WhisperRun : IDisposable
{
    private readonly List<TranscriptSegment> _segments = [];
    private readonly Action<TranscriptSegment>? _onSegment;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _stop;
    private readonly double _duration;
    private ExceptionDispatchInfo? _failure;
    private int _nativeSegmentsSeen;

    private readonly WhisperOptions _engineOptions;
    private readonly int _threads;
    private readonly ILogger _logger;
    private SpeechTimeline? _timeline;
    private string? _detectedLanguage;
    /// <summary>What whisper is given: <see cref="Language"/>, or the candidate detection chose.</summary>
    private string? _language;
    private float _temperatureStart;
    private float _temperatureIncrement;

    /// <summary>Decoding attempts in the current 30 s window (1 = no fallback).</summary>
    private int _windowAttempts;

    public WhisperRun(WhisperModel model, WhisperStateLease lease, float[] samples, WhisperDecodeOptions options, string? language,
        IReadOnlyList<string> languageCandidates, bool useVad, Action<TranscriptSegment>? onSegment, CancellationToken callerToken, WhisperOptions engineOptions, int threads, ILogger logger)
    {
        var timeout = engineOptions.RequestTimeout;
        _engineOptions = engineOptions;
        _threads = threads;
        _logger = logger;
        Model = model;
        Lease = lease;
        Samples = samples;
        Options = options;
        Language = language;
        _language = language;
        LanguageCandidates = languageCandidates;
        UseVad = useVad;
        _onSegment = onSegment;
        _callerToken = callerToken;
        _duration = samples.Length / (double)WhisperEngine.SampleRate;
        _timeout = new CancellationTokenSource(timeout);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _timeout.Token);
        Timeout = timeout;
    }

    public WhisperModel Model { get; }

    public WhisperStateLease Lease { get; }

    public float[] Samples { get; }

    public WhisperDecodeOptions Options { get; }

    /// <summary>The language passed to whisper, or null to auto-detect (or to choose among <see cref="LanguageCandidates"/>).</summary>
    public string? Language { get; }

    /// <summary>Two or more codes whisper's language detection chooses among before transcribing; empty otherwise.</summary>
    public IReadOnlyList<string> LanguageCandidates { get; }

    public bool UseVad { get; }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Some tokens were sampled at a temperature above 0, which advanced the random generator the
    /// whisper_state keeps between calls (whisper.cpp seeds it only when the state is created).
    /// </summary>
    public bool SampledRandomly { get; private set; }

    /// <summary>Checked by the native abort callback: cancelled, timed out, or a callback failed.</summary>
    public bool IsStopped => _stop.IsCancellationRequested;

    private void Fail(Exception e)
    {
        _failure ??= ExceptionDispatchInfo.Capture(e);
        _stop.Cancel();
    }

    /// <summary>Throws what stopped the run: the caller's cancellation, the timeout, or a callback's exception.</summary>
    public void ThrowIfStopped()
    {
        _failure?.Throw();
        _callerToken.ThrowIfCancellationRequested();
        if (_timeout.IsCancellationRequested)
        {
            throw ApiException.Timeout($"Transcription exceeded the local engine's time limit of {Timeout.TotalSeconds:0} s and was stopped.",
                "timeout", ApiException.ApiErrorType);
        }
    }

    // whisper.cpp skips input shorter than 1 s ("input is too short"); shorter clips are padded
    // with silence to this length and the result is clipped back to the real duration.
    private const int MinimumSamples = WhisperEngine.SampleRate + WhisperEngine.SampleRate / 10;

    /// <summary>Runs VAD (when asked) and whisper_full_with_state on the calling thread; the engine gives each run its own.</summary>
    public TranscriptionResult Execute()
    {
        var started = Stopwatch.GetTimestamp();
        var samples = Samples;
        var duration = samples.Length / (double)WhisperEngine.SampleRate;
        SpeechTimeline? timeline = null;
        var vadMs = 0.0;
        if (UseVad)
        {
            var vadStarted = Stopwatch.GetTimestamp();
            using (var vad = SttTelemetry.Start("stt.engine.vad", SttTelemetry.VadDuration))
            {
                timeline = DetectSpeech();
                vad.Succeed();
            }
            vadMs = Stopwatch.GetElapsedTime(vadStarted).TotalMilliseconds;
            ThrowIfStopped();
            if (timeline.RegionCount == 0)
            {
                _logger.LogDebug("VAD found no speech in {Seconds:0.##} s of audio", duration);
                return BuildResult(duration) with { Timings = new EngineTimings(vadMs, 0) };
            }
            samples = timeline.Concatenate(samples);
            _timeline = timeline;
        }
        if (samples.Length < MinimumSamples)
        {
            Array.Resize(ref samples, MinimumSamples);
        }

        var state = Lease.State;
        var fullStarted = Stopwatch.GetTimestamp();
        if (LanguageCandidates.Count > 1)
        {
            _language = ChooseLanguage(samples);
            ThrowIfStopped();
        }
        var defaults = WhisperNative.FullDefaultParamsByRef(WhisperSamplingStrategy.Greedy);
        var p = *defaults;
        WhisperNative.FreeParams(defaults);

        var (prompt, keywordsKept) = WhisperPrompt.Build(Options.Prompt, Options.Keywords, Model.CountTokens);
        if (Options.Keywords.Count > 0)
        {
            _logger.LogDebug("Initial prompt of {Tokens} token(s) holds {Kept} of {Given} keyword(s) (budget {Budget} tokens)",
                Model.CountTokens(prompt ?? ""), keywordsKept, Options.Keywords.Count, WhisperPrompt.KeywordTokenBudget);
        }
        // Both live until whisper_full_with_state has returned: the end of this method.
        using var languageUtf8 = new NativeUtf8(_language);
        using var promptUtf8 = new NativeUtf8(prompt);
        var self = GCHandle.Alloc(this);
        try
        {
            p.NThreads = _threads;
            p.Translate = Options.Task == TranscriptionTask.Translate ? (byte)1 : (byte)0;
            p.NoContext = 1;
            p.NoTimestamps = 0;
            p.SingleSegment = 0;
            p.PrintSpecial = 0;
            p.PrintProgress = 0;
            p.PrintRealtime = 0;
            p.PrintTimestamps = 0;
            p.TokenTimestamps = 1;
            p.Language = languageUtf8.Pointer;
            p.DetectLanguage = 0;
            p.InitialPrompt = promptUtf8.Pointer;
            if (Options.Temperature > 0)
            {
                p.Temperature = Math.Min(Options.Temperature, 1f);
                p.TemperatureInc = 0;
            }
            else
            {
                p.Temperature = 0;
                p.TemperatureInc = 0.2f;
            }
            p.GreedyBestOf = _engineOptions.BestOf;
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
            _temperatureStart = p.Temperature;
            _temperatureIncrement = p.TemperatureInc;
            SampledRandomly = p.Temperature > 0;

            int code;
            using (var inference = SttTelemetry.Start("stt.engine.inference", SttTelemetry.InferenceDuration).Tag("model", Model.ModelType))
            {
                StartupTimeline.Mark("first-inference");
                fixed (float* pcm = samples)
                {
                    code = WhisperNative.FullWithState(Model.Context, state, p, pcm, samples.Length);
                }
                StartupTimeline.Mark("first-answer");
                if (IsStopped)
                {
                    inference.Cancel();
                }
                else if (code == 0)
                {
                    inference.Succeed();
                }
            }
            var inferenceMs = Stopwatch.GetElapsedTime(fullStarted).TotalMilliseconds;
            ThrowIfStopped();
            if (code != 0)
            {
                throw ApiException.Internal($"whisper.cpp failed to transcribe the audio (code {code}).", "engine_error");
            }
            // Segments the callback did not see (it reports each batch; this is a safety net).
            CollectSegments(state.DangerousGetHandle());
            if (_language is null)
            {
                var id = WhisperNative.FullLangIdFromState(state.DangerousGetHandle());
                _detectedLanguage = id >= 0 ? WhisperNative.Utf8(WhisperNative.LangStr(id)) : null;
            }
            var result = BuildResult(duration) with { Timings = new EngineTimings(vadMs, inferenceMs) };
            _logger.LogDebug("Transcribed {Seconds:0.##} s in {Ms} ms on slot {Slot}: {Segments} segment(s), VAD {Vad}",
                duration, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, Lease.SlotIndex, result.Segments.Count,
                timeline is not null);
            return result;
        }
        finally
        {
            self.Free();
        }
    }

    /// <summary>
    /// Runs whisper's language detection on the first 30 s (the encoder once, on this run's state) and returns the
    /// candidate it finds most probable; whisper_full then transcribes in that language.
    /// </summary>
    private string ChooseLanguage(float[] samples)
    {
        var probabilities = new float[WhisperNative.LangMaxId() + 1];
        int top;
        fixed (float* pcm = samples)
        fixed (float* probs = probabilities)
        {
            if (WhisperNative.PcmToMelWithState(Model.Context, Lease.State, pcm, samples.Length, _threads) != 0)
            {
                throw ApiException.Internal("whisper.cpp could not compute the spectrogram for language detection.", "engine_error");
            }
            top = WhisperNative.LangAutoDetectWithState(Model.Context, Lease.State, 0, _threads, probs);
        }
        if (top < 0)
        {
            throw ApiException.Internal($"whisper.cpp's language detection failed (code {top}).", "engine_error");
        }
        var best = LanguageCandidates.MaxBy(code => probabilities[LanguageId(code)])!;
        _logger.LogDebug("Language {Language} chosen among {Candidates} (p = {Probability:0.####}; whisper's own top: {Top})",
            best, string.Join(",", LanguageCandidates), probabilities[LanguageId(best)], WhisperNative.Utf8(WhisperNative.LangStr(top)));
        return best;
    }

    private static int LanguageId(string code)
    {
        using var utf8 = new NativeUtf8(code);
        return WhisperNative.LangId(utf8.Pointer);
    }

    /// <summary>Regions longer than whisper's 30 s window are split by the detector so no window straddles a cut.</summary>
    private const float VadMaxRegionSeconds = 29.5f;

    private SpeechTimeline DetectSpeech()
    {
        var slot = Lease.Slot;
        slot.Vad ??= SileroVad.TryLoad(_engineOptions, _threads, VadMaxRegionSeconds)
            ?? throw ApiException.Unavailable("The VAD model could not be loaded.", "vad_not_available");
        try
        {
            var regions = slot.Vad.Detect(Samples, 0, Samples.Length, ThrowIfStopped);
            return SpeechTimeline.FromCentiseconds(regions.Select(r => (r.StartCs, r.EndCs)), Samples.Length);
        }
        catch (VadFailedException)
        {
            throw ApiException.Internal("Voice activity detection failed.", "engine_error");
        }
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
        job._windowAttempts = 0;
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
            if (++job._windowAttempts > 1)
            {
                job.SampledRandomly = true; // a fallback attempt: temperature > 0
            }
        }
    }

    /// <summary>Reads the segments whisper has added since the last call and reports each one.</summary>
    private void CollectSegments(IntPtr state)
    {
        var total = WhisperNative.FullNSegmentsFromState(state);
        // Once stopped (cancelled, timed out, or onSegment threw) nothing more is reported, even if
        // whisper still emits the rest of the current window before it notices the abort.
        while (_nativeSegmentsSeen < total && !IsStopped)
        {
            var segment = ReadSegment(state, _nativeSegmentsSeen++);
            if (segment is null)
            {
                continue;
            }
            _segments.Add(segment);
            _onSegment?.Invoke(segment);
        }
    }

    private TranscriptSegment? ReadSegment(IntPtr state, int index)
    {
        var previousEnd = _segments.Count > 0 ? _segments[^1].End : 0;
        var t0 = ToOriginal(WhisperNative.FullGetSegmentT0FromState(state, index));
        var t1 = ToOriginal(WhisperNative.FullGetSegmentT1FromState(state, index));
        var start = Math.Clamp(t0 / 100.0, previousEnd, _duration);
        var end = Math.Clamp(t1 / 100.0, start, _duration);
        if (start >= _duration && _duration > 0 && _segments.Count > 0)
        {
            // Decoded past the end of the audio (padding or a confused model): nothing real is left.
            return null;
        }

        var text = WhisperNative.Utf8(WhisperNative.FullGetSegmentTextFromState(state, index));
        var tokenCount = WhisperNative.FullNTokensFromState(state, index);
        var tokens = new List<int>(tokenCount);
        var logprobSum = 0.0;
        var words = Options.WordTimestamps ? new List<TranscriptWord>() : null;
        var word = new WordBuilder();
        for (var i = 0; i < tokenCount; i++)
        {
            var data = WhisperNative.FullGetTokenDataFromState(state, index, i);
            if (data.Id >= Model.EndOfText)
            {
                continue; // special and timestamp tokens
            }
            tokens.Add(data.Id);
            logprobSum += data.PLog;
            if (words is null)
            {
                continue;
            }
            var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(WhisperNative.TokenToStr(Model.Context, data.Id));
            if (bytes.Length > 0 && bytes[0] == (byte)' ')
            {
                word.FlushTo(words);
            }
            var tokenStart = Math.Clamp(ToOriginal(data.T0) / 100.0, start, end);
            var tokenEnd = Math.Clamp(ToOriginal(data.T1) / 100.0, tokenStart, end);
            word.Add(bytes, tokenStart, tokenEnd, data.P);
        }
        if (words is not null)
        {
            word.FlushTo(words);
        }

        var attempts = Math.Max(1, _windowAttempts);
        return new TranscriptSegment
        {
            Id = _segments.Count,
            Seek = (int)Math.Round(start * 100),
            Start = start,
            End = end,
            Text = text,
            Tokens = tokens,
            Temperature = Math.Round(Math.Min(1.0, _temperatureStart + _temperatureIncrement * (attempts - 1)), 2),
            AvgLogprob = tokens.Count > 0 ? logprobSum / tokens.Count : 0,
            CompressionRatio = CompressionRatio(text),
            NoSpeechProb = WhisperNative.FullGetSegmentNoSpeechProbFromState(state, index),
            Words = (IReadOnlyList<TranscriptWord>?)words ?? [],
        };
    }

    private long ToOriginal(long centiseconds) => _timeline?.ToOriginalCentiseconds(centiseconds) ?? centiseconds;

    private TranscriptionResult BuildResult(double duration) => new()
    {
        Task = Options.Task,
        Text = string.Concat(_segments.Select(s => s.Text)).Trim(),
        Language = _language ?? _detectedLanguage ?? "en",
        // Asked with candidates: answered with the one used, as gpt-transcribe reports its detection (none when VAD
        // found no speech to detect a language in).
        Languages = Options.Languages.Count == 0 ? null : (_language ?? _detectedLanguage) is { } used ? [used] : [],
        Duration = duration,
        Segments = _segments.ToArray(),
        Usage = new DurationUsage(duration),
    };

    /// <summary>UTF-8 length over zlib-compressed length, as OpenAI's reference computes it (gzip level 6 ~ Optimal).</summary>
    internal static double CompressionRatio(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0)
        {
            return 0;
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(bytes);
        }
        return bytes.Length / (double)compressed.Length;
    }

    public void Dispose()
    {
        _stop.Dispose();
        _timeout.Dispose();
    }
}
