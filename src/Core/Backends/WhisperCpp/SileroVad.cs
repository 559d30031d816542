
namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The Silero voice activity detector of whisper.cpp (whisper_vad_*), the one binding of it: the engine keeps one
/// per slot to skip silence, the chunk planner one to find pauses. A context is not thread-safe: one caller at a time.
/// Long audio is scanned in blocks, because one native call cannot be interrupted, each with a lead-in of the audio
/// before it so the detector starts warm; regions come back in the original audio's time.
/// </summary>
internal sealed class SileroVad : IDisposable
{
    public const int SampleRate = 16_000;

    /// <summary>
    /// Audio scanned by one uninterruptible call. Silero in whisper.cpp costs about 0.1 s of CPU per second of
    /// audio, so 10 s blocks let a cancelled request give its slot back within about a second.
    /// </summary>
    public const int BlockSamples = 10 * SampleRate;

    /// <summary>Audio before a block that is scanned with it (not reported) so the detector starts warm.</summary>
    public const int LeadInSamples = 2 * SampleRate;

    private readonly WhisperVadContextHandle _context;
    private readonly WhisperVadParams _params;
    private long _samplesScanned;

    private SileroVad(WhisperVadContextHandle context, WhisperVadParams parameters)
    {
        _context = context;
        _params = parameters;
    }

    /// <summary>Samples run through the detector so far (lead-ins included): for cost checks and metrics.</summary>
    public long SamplesScanned => Interlocked.Read(ref _samplesScanned);

    /// <summary>
    /// Loads the model at <see cref="WhisperOptions.EffectiveVadModelPath"/> with the options' threshold, minimum
    /// silence and padding; regions longer than <paramref name="maxRegionSeconds"/> are split by the detector.
    /// Null when whisper.cpp cannot load the file.
    /// </summary>
    public static unsafe SileroVad? TryLoad(WhisperOptions options, int threads, float? maxRegionSeconds = null)
    {
        WhisperNativeLibrary.Configure(options.NativeDirectory, options.CpuVariant);
        var contextParams = WhisperNative.VadDefaultContextParams();
        contextParams.NThreads = threads;
        contextParams.UseGpu = 0;
        IntPtr context;
        using (var path = new NativeUtf8(options.EffectiveVadModelPath))
        {
            context = WhisperNative.VadInitFromFileWithParams(path.Pointer, contextParams);
        }
        if (context == IntPtr.Zero)
        {
            return null;
        }
        var parameters = WhisperNative.VadDefaultParams();
        parameters.Threshold = options.VadThreshold;
        parameters.MinSilenceDurationMs = options.VadMinSilenceMs;
        parameters.SpeechPadMs = options.VadSpeechPadMs;
        if (maxRegionSeconds is { } max)
        {
            parameters.MaxSpeechDurationS = max;
        }
        return new SileroVad(new WhisperVadContextHandle(context), parameters);
    }

    /// <summary>
    /// The speech in samples [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="samples"/>, in
    /// centiseconds from sample 0, scanned in blocks of <paramref name="blockSamples"/> (default
    /// <see cref="BlockSamples"/>; each block costs one lead-in more). <paramref name="betweenBlocks"/> runs before each
    /// block and may throw to stop. Throws <see cref="VadFailedException"/> when whisper.cpp reports a failure.
    /// </summary>
    public unsafe List<SpeechRegion> Detect(ReadOnlySpan<float> samples, int start, int end, Action? betweenBlocks = null, int blockSamples = BlockSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, samples.Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSamples);
        var regions = new List<SpeechRegion>();
        var maxRegionCs = _params.MaxSpeechDurationS * 100.0;
        for (int offset = start; offset < end; offset += blockSamples)
        {
            betweenBlocks?.Invoke();
            int from = offset - Math.Min(offset, LeadInSamples);
            int length = Math.Min(blockSamples, end - offset) + (offset - from);
            IntPtr raw;
            fixed (float* pcm = samples.Slice(from, length))
            {
                raw = WhisperNative.VadSegmentsFromSamples(_context, _params, pcm, length);
            }
            Interlocked.Add(ref _samplesScanned, length);
            if (raw == IntPtr.Zero)
            {
                throw new VadFailedException();
            }
            using var segments = new WhisperVadSegmentsHandle(raw);
            double bufferStartCs = from * 100.0 / SampleRate, blockStartCs = offset * 100.0 / SampleRate;
            var count = WhisperNative.VadSegmentsNSegments(raw);
            for (var i = 0; i < count; i++)
            {
                if (SpeechRegions.InBlock(WhisperNative.VadSegmentsGetSegmentT0(raw, i), WhisperNative.VadSegmentsGetSegmentT1(raw, i),
                        bufferStartCs, blockStartCs) is { } region)
                {
                    SpeechRegions.Append(regions, region, SpeechRegions.JoinGapCs, maxRegionCs);
                }
            }
        }
        return regions;
    }

    public void Dispose() => _context.Dispose();
}
