namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The speech regions VAD found, glued into one shorter buffer for whisper, and the way back: a time
/// in that buffer maps to the time in the original audio. whisper.cpp 1.9.1 only does this mapping
/// inside <c>whisper_full</c> (the context's default state) and only for segment bounds, not token
/// times, so a pooled state running <c>whisper_full_with_state</c> needs its own.
/// </summary>
internal sealed class SpeechTimeline
{
    /// <summary>Silence put between regions (0.1 s) so the decoder sees a break where audio was cut out.</summary>
    public const int GapSamples = 1600;

    private readonly Piece[] _pieces;

    /// <param name="regions">Speech regions in original samples, [start, end), sorted, non-overlapping.</param>
    public SpeechTimeline(IReadOnlyList<(int Start, int End)> regions)
    {
        _pieces = new Piece[regions.Count];
        var at = 0;
        for (var i = 0; i < regions.Count; i++)
        {
            var (start, end) = regions[i];
            _pieces[i] = new Piece(at, start, end - start);
            at += end - start + (i < regions.Count - 1 ? GapSamples : 0);
        }
        TotalSamples = at;
    }

    public int RegionCount => _pieces.Length;

    /// <summary>Length of the glued buffer in samples.</summary>
    public int TotalSamples { get; }

    /// <summary>The speech regions of <paramref name="original"/>, with gaps of silence between them.</summary>
    public float[] Concatenate(float[] original)
    {
        var result = new float[TotalSamples];
        foreach (var piece in _pieces)
        {
            Array.Copy(original, piece.OriginalStart, result, piece.ProcessedStart, piece.Length);
        }
        return result;
    }

    /// <summary>
    /// Maps a time in the glued buffer (centiseconds, whisper's unit) to the original audio. Times in a
    /// gap map to the end of the region before it; times past the end map to the end of the last one.
    /// </summary>
    public long ToOriginalCentiseconds(long processed)
    {
        if (_pieces.Length == 0)
        {
            return processed;
        }
        var sample = processed * 160;
        var piece = _pieces[0];
        foreach (var candidate in _pieces)
        {
            if (candidate.ProcessedStart > sample)
            {
                break;
            }
            piece = candidate;
        }
        var offset = Math.Clamp(sample - piece.ProcessedStart, 0, piece.Length);
        return (piece.OriginalStart + offset + 80) / 160;
    }

    /// <summary>Speech regions from a VAD result (centisecond bounds), clipped to the audio and merged where they overlap.</summary>
    public static SpeechTimeline FromCentiseconds(IEnumerable<(double StartCs, double EndCs)> segments, int totalSamples)
    {
        var regions = new List<(int Start, int End)>();
        foreach (var (startCs, endCs) in segments.OrderBy(s => s.StartCs))
        {
            var start = (int)Math.Clamp(Math.Round(startCs * 160), 0, totalSamples);
            var end = (int)Math.Clamp(Math.Round(endCs * 160), 0, totalSamples);
            if (end <= start)
            {
                continue;
            }
            if (regions.Count > 0 && start <= regions[^1].End)
            {
                regions[^1] = (regions[^1].Start, Math.Max(end, regions[^1].End));
            }
            else
            {
                regions.Add((start, end));
            }
        }
        return new SpeechTimeline(regions);
    }

    private readonly record struct Piece(long ProcessedStart, int OriginalStart, int Length);
}
