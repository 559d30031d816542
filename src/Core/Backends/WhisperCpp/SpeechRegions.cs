namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The arithmetic of turning block-by-block VAD output into one list of regions: pure, so it is unit-tested on
/// its own (SileroVad does the native part).
/// </summary>
internal static class SpeechRegions
{
    /// <summary>
    /// Regions either side of a block edge closer than this (centiseconds: two 30 ms paddings plus one) are one
    /// region: the edge cut them, not a pause.
    /// </summary>
    public const double JoinGapCs = 7;

    /// <summary>
    /// One raw VAD segment of a scanned buffer in absolute time: <paramref name="t0"/>/<paramref name="t1"/> are
    /// relative to the buffer, which starts at <paramref name="bufferStartCs"/>; the part before
    /// <paramref name="blockStartCs"/> (the lead-in, scanned only to warm the detector) is cut off. Null when nothing is left.
    /// </summary>
    public static SpeechRegion? InBlock(double t0, double t1, double bufferStartCs, double blockStartCs)
    {
        var start = Math.Max(blockStartCs, bufferStartCs + t0);
        var end = bufferStartCs + t1;
        return end > start ? new SpeechRegion(start, end) : null;
    }

    /// <summary>
    /// Appends <paramref name="next"/> (which starts at or after the last region's start) to <paramref name="regions"/>,
    /// merging it into the last region when the gap between them is at most <paramref name="joinGapCs"/> and the
    /// merged region is no longer than <paramref name="maxRegionCs"/>.
    /// </summary>
    public static void Append(List<SpeechRegion> regions, SpeechRegion next, double joinGapCs = JoinGapCs, double maxRegionCs = double.PositiveInfinity)
    {
        if (regions.Count > 0)
        {
            var last = regions[^1];
            if (next.StartCs - last.EndCs <= joinGapCs && next.EndCs - last.StartCs <= maxRegionCs)
            {
                regions[^1] = last with { EndCs = Math.Max(next.EndCs, last.EndCs) };
                return;
            }
        }
        regions.Add(next);
    }

    /// <summary>The regions within [<paramref name="start"/>, <paramref name="end"/>) in samples of <paramref name="sampleRate"/>, widened outwards to whole samples.</summary>
    public static List<(int Start, int End)> ToSamples(IEnumerable<SpeechRegion> regions, int start, int end, int sampleRate)
    {
        var perCs = sampleRate / 100.0;
        var result = new List<(int Start, int End)>();
        foreach (var r in regions)
        {
            var t0 = (int)Math.Floor(r.StartCs * perCs);
            var t1 = (int)Math.Ceiling(r.EndCs * perCs);
            if (t1 > start && t0 < end)
            {
                result.Add((Math.Max(t0, start), Math.Min(t1, end)));
            }
        }
        return result;
    }
}
