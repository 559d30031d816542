using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using SpeechToText.Core.Api;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Engines.WhisperCpp;

/// <summary>
/// One whisper_full_with_state call and what it has produced so far. The native callbacks reach it
/// through a GCHandle; it turns whisper's segments and tokens into <see cref="TranscriptSegment"/>s
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

    public WhisperRun(WhisperModel model, WhisperStateLease lease, float[] samples, WhisperDecodeOptions options, string? language,
        bool useVad, Action<TranscriptSegment>? onSegment, CancellationToken callerToken, TimeSpan timeout)
    {
        Model = model;
        Lease = lease;
        Samples = samples;
        Options = options;
        Language = language;
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

    /// <summary>The language passed to whisper, or null to auto-detect.</summary>
    public string? Language { get; }

    public string? DetectedLanguage { get; set; }

    public bool UseVad { get; }

    public TimeSpan Timeout { get; }

    public SpeechTimeline? Timeline { get; set; }

    public float TemperatureStart { get; set; }

    public float TemperatureIncrement { get; set; }

    /// <summary>Decoding attempts in the current 30 s window (1 = no fallback).</summary>
    public int WindowAttempts { get; set; }

    /// <summary>
    /// Some tokens were sampled at a temperature above 0, which advanced the random generator the
    /// whisper_state keeps between calls (whisper.cpp seeds it only when the state is created).
    /// </summary>
    public bool SampledRandomly { get; set; }

    /// <summary>Checked by the native abort callback: cancelled, timed out, or a callback failed.</summary>
    public bool IsStopped => _stop.IsCancellationRequested;

    public void Fail(Exception e)
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
            throw new ApiError(504, $"Transcription exceeded the local engine's time limit of {Timeout.TotalSeconds:0} s and was stopped.",
                ApiError.ApiErrorType, null, "timeout");
        }
    }

    /// <summary>Reads the segments whisper has added since the last call and reports each one.</summary>
    public void CollectSegments(IntPtr state)
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

        var attempts = Math.Max(1, WindowAttempts);
        return new TranscriptSegment
        {
            Id = _segments.Count,
            Seek = (int)Math.Round(start * 100),
            Start = start,
            End = end,
            Text = text,
            Tokens = tokens,
            Temperature = Math.Round(Math.Min(1.0, TemperatureStart + TemperatureIncrement * (attempts - 1)), 2),
            AvgLogprob = tokens.Count > 0 ? logprobSum / tokens.Count : 0,
            CompressionRatio = CompressionRatio(text),
            NoSpeechProb = WhisperNative.FullGetSegmentNoSpeechProbFromState(state, index),
            Words = (IReadOnlyList<TranscriptWord>?)words ?? [],
        };
    }

    private long ToOriginal(long centiseconds) => Timeline?.ToOriginalCentiseconds(centiseconds) ?? centiseconds;

    public TranscriptionResult BuildResult(double duration) => new()
    {
        Task = Options.Task,
        Text = string.Concat(_segments.Select(s => s.Text)).Trim(),
        Language = Language ?? DetectedLanguage ?? "en",
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

    /// <summary>Joins BPE pieces into words: a piece that starts with a space begins a new word.</summary>
    private sealed class WordBuilder
    {
        private readonly List<byte> _bytes = [];
        private double _start;
        private double _end;
        private double _probabilitySum;
        private int _pieces;

        public void Add(ReadOnlySpan<byte> piece, double start, double end, float probability)
        {
            if (_pieces == 0)
            {
                _start = start;
            }
            _bytes.AddRange(piece);
            _end = Math.Max(end, _start);
            _probabilitySum += probability;
            _pieces++;
        }

        public void FlushTo(List<TranscriptWord> words)
        {
            if (_pieces > 0)
            {
                // Decoding the joined bytes (not each piece) keeps characters split across pieces intact.
                var text = Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(_bytes)).Trim();
                if (text.Length > 0)
                {
                    words.Add(new TranscriptWord(text, _start, _end, (float)(_probabilitySum / _pieces)));
                }
            }
            _bytes.Clear();
            _pieces = 0;
            _probabilitySum = 0;
        }
    }
}
