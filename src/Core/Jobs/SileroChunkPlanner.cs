using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Cuts a long recording into chunks at pauses, so no word is split between two transcriptions.
/// Each cut is searched for only in a short window before its target (the Silero VAD of whisper.cpp
/// runs on that window alone), so planning costs window length x number of cuts, whatever the file's
/// length. One VAD context per planner, loaded on first use; a lock serialises its use because the
/// context carries Silero's LSTM state.
/// </summary>
public sealed class SileroChunkPlanner : IChunkPlanner, IDisposable
{
    public const int SampleRate = 16_000;

    /// <summary>A pause shorter than this is not a place to cut (seconds).</summary>
    public const double MinimumGapSeconds = 0.3;

    /// <summary>The no-silence fallback cuts in the middle of the quietest stretch this long.</summary>
    private const int QuietSamples = SampleRate / 10;

    /// <summary>Step of the quietest-stretch search (10 ms).</summary>
    private const int QuietStepSamples = SampleRate / 100;

    private readonly WhisperOptions _options;
    private readonly ILogger<SileroChunkPlanner> _logger;
    private readonly Lock _vadGate = new();
    private SileroVad? _vad;
    private bool _vadMissing;
    private bool _disposed;

    public SileroChunkPlanner(IOptions<WhisperOptions> options, ILogger<SileroChunkPlanner> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public Task<PlannedChunks> PlanAsync(ReadOnlyMemory<float> samples, ChunkLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Validate(limits);
        if (samples.Length == 0)
        {
            throw new ArgumentException("There is no audio to plan.", nameof(samples));
        }
        var total = samples.Length;
        if (FitsOneChunk(total, limits))
        {
            return Task.FromResult(new PlannedChunks([new ChunkPlan(0, 0, Seconds(total))], 0));
        }
        // The VAD calls block for a while (about a tenth of the window's length each); keep them off the caller's thread.
        return Task.Run(() => Plan(samples, limits, cancellationToken), cancellationToken);
    }

    private PlannedChunks Plan(ReadOnlyMemory<float> samples, ChunkLimits limits, CancellationToken cancellationToken)
    {
        long vadSamples = 0;
        var started = Stopwatch.GetTimestamp();
        var total = samples.Length;
        var target = ToSamples(limits.TargetSeconds);
        var max = ToSamples(limits.MaxSeconds);
        var window = ToSamples(limits.SearchWindowSeconds);
        var cuts = new List<int>();
        var previous = 0;
        var fallbacks = 0;
        while (!FitsOneChunk(total - previous, limits))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var windowEnd = Math.Min(previous + Math.Min(target, max), total);
            var windowStart = Math.Max(previous + 1, windowEnd - window);
            var cut = FindCut(samples.Span, windowStart, windowEnd, ref vadSamples, cancellationToken, out var fromFallback);
            if (fromFallback)
            {
                fallbacks++;
                _logger.LogInformation(
                    "No pause of {Minimum} s or more between {From:0.##} s and {To:0.##} s; cutting at the quietest 100 ms, {Cut:0.##} s",
                    MinimumGapSeconds, Seconds(windowStart), Seconds(windowEnd), Seconds(cut));
            }
            cuts.Add(cut);
            previous = cut;
        }

        var plan = new List<ChunkPlan>(cuts.Count + 1);
        var start = 0;
        foreach (var cut in cuts.Append(total))
        {
            plan.Add(new ChunkPlan(plan.Count, Seconds(start), Seconds(cut)));
            start = cut;
        }
        _logger.LogInformation("Planned {Chunks} chunk(s) for {Seconds:0.#} s of audio in {Ms} ms, {VadSeconds:0.#} s of it through the VAD ({Fallbacks} cut(s) without a pause)",
            plan.Count, Seconds(total), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, vadSamples / (double)SampleRate, fallbacks);
        return new PlannedChunks(plan, vadSamples);
    }

    /// <summary>The cut for one window, in samples: the middle of the best pause, else of the quietest 100 ms.</summary>
    private int FindCut(ReadOnlySpan<float> samples, int windowStart, int windowEnd, ref long vadSamples, CancellationToken cancellationToken, out bool fromFallback)
    {
        var speech = DetectSpeech(samples, windowStart, windowEnd, ref vadSamples, cancellationToken);
        if (speech is not null)
        {
            var gaps = Gaps(speech, windowStart, windowEnd);
            if (ChooseGap(gaps, windowEnd, ToSamples(MinimumGapSeconds)) is { } gap)
            {
                fromFallback = false;
                return gap.Start + (gap.End - gap.Start) / 2;
            }
        }
        fromFallback = true;
        return QuietestPoint(samples, windowStart, windowEnd);
    }

    /// <summary>The stretches of [start, end) not covered by <paramref name="speech"/> (sorted, in samples).</summary>
    internal static List<(int Start, int End)> Gaps(IReadOnlyList<(int Start, int End)> speech, int start, int end)
    {
        var gaps = new List<(int Start, int End)>();
        var at = start;
        foreach (var (s, e) in speech)
        {
            var from = Math.Clamp(s, start, end);
            if (from > at)
            {
                gaps.Add((at, from));
            }
            at = Math.Max(at, Math.Clamp(e, start, end));
        }
        if (end > at)
        {
            gaps.Add((at, end));
        }
        return gaps;
    }

    /// <summary>
    /// The longest gap of at least <paramref name="minimum"/> samples; among gaps nearly as long (within
    /// a fifth or 0.2 s of the longest), the one nearest the target, so chunks stay close to their target length.
    /// </summary>
    internal static (int Start, int End)? ChooseGap(IReadOnlyList<(int Start, int End)> gaps, int target, int minimum)
    {
        var longest = 0;
        foreach (var (s, e) in gaps)
        {
            longest = Math.Max(longest, e - s);
        }
        if (longest < minimum || longest == 0)
        {
            return null;
        }
        var similar = longest - Math.Max(longest / 5, SampleRate / 5);
        (int Start, int End)? best = null;
        foreach (var gap in gaps)
        {
            if (gap.End - gap.Start >= Math.Max(similar, minimum)
                && (best is null || Distance(gap, target) < Distance(best.Value, target)))
            {
                best = gap;
            }
        }
        return best;

        static int Distance((int Start, int End) gap, int target) => Math.Abs(target - (gap.Start + (gap.End - gap.Start) / 2));
    }

    /// <summary>The middle of the quietest (lowest RMS) 100 ms of [start, end); ties go to the latest, nearest the target.</summary>
    internal static int QuietestPoint(ReadOnlySpan<float> samples, int start, int end)
    {
        var length = Math.Min(QuietSamples, end - start);
        if (length <= 0)
        {
            return end;
        }
        var bestEnergy = double.MaxValue;
        var bestStart = start;
        for (var from = start; from + length <= end; from += QuietStepSamples)
        {
            double energy = 0;
            foreach (var x in samples.Slice(from, length))
            {
                energy += (double)x * x;
            }
            if (energy <= bestEnergy)
            {
                bestEnergy = energy;
                bestStart = from;
            }
        }
        return bestStart + length / 2;
    }

    /// <summary>Speech regions (samples, absolute) in [start, end), or null when the VAD model is not installed.</summary>
    private List<(int Start, int End)>? DetectSpeech(ReadOnlySpan<float> samples, int start, int end, ref long vadSamples, CancellationToken cancellationToken)
    {
        lock (_vadGate)
        {
            var vad = LoadVad();
            if (vad is null)
            {
                return null;
            }
            var before = vad.SamplesScanned;
            // A search window is short (ChunkLimits.SearchWindowSeconds): one block, one lead-in, as cheap as the VAD gets.
            var regions = vad.Detect(samples, start, end, cancellationToken.ThrowIfCancellationRequested, blockSamples: Math.Max(1, end - start));
            vadSamples += vad.SamplesScanned - before;
            return SpeechRegions.ToSamples(regions, start, end, SampleRate);
        }
    }

    private SileroVad? LoadVad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_vad is not null || _vadMissing)
        {
            return _vad;
        }
        var path = _options.EffectiveVadModelPath;
        if (!File.Exists(path))
        {
            _vadMissing = true;
            _logger.LogWarning("VAD model {Path} is missing; chunks are cut at the quietest 100 ms near each target instead", path);
            return null;
        }
        _vad = SileroVad.TryLoad(_options, Math.Clamp(_options.ThreadsPerSlot ?? Environment.ProcessorCount, 1, 4))
            ?? throw new InvalidOperationException($"The VAD model {path} could not be loaded.");
        return _vad;
    }

    /// <summary>Limits a plan can honour: a positive target, a maximum at least as long, a search window shorter than the target.</summary>
    internal static void Validate(ChunkLimits limits)
    {
        if (!(limits.TargetSeconds > 0) || !double.IsFinite(limits.TargetSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(limits), $"TargetSeconds must be positive (got {limits.TargetSeconds}).");
        }
        if (!(limits.MaxSeconds >= limits.TargetSeconds) || !double.IsFinite(limits.MaxSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(limits), $"MaxSeconds ({limits.MaxSeconds}) must be at least TargetSeconds ({limits.TargetSeconds}).");
        }
        if (!(limits.SearchWindowSeconds > 0) || !(limits.SearchWindowSeconds < limits.TargetSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(limits),
                $"SearchWindowSeconds ({limits.SearchWindowSeconds}) must be positive and shorter than TargetSeconds ({limits.TargetSeconds}).");
        }
    }

    private static bool FitsOneChunk(int samples, ChunkLimits limits) =>
        samples <= ToSamples(limits.MaxSeconds) && samples <= ToSamples(limits.TargetSeconds * 1.5);

    private static int ToSamples(double seconds) => (int)Math.Floor(seconds * SampleRate);

    private static double Seconds(int samples) => samples / (double)SampleRate;

    public void Dispose()
    {
        lock (_vadGate)
        {
            _disposed = true;
            _vad?.Dispose();
            _vad = null;
        }
    }
}
