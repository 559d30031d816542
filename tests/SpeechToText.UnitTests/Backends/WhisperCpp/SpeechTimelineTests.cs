
using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.UnitTests.Backends.WhisperCpp;

public sealed class SpeechTimelineTests
{
    [Fact]
    public void Concatenates_regions_with_a_short_gap_and_maps_times_back()
    {
        // Speech at 2.0-3.0 s and 10.0-10.5 s of a 12 s recording.
        var original = Enumerable.Range(0, 12 * 16000).Select(i => (float)i).ToArray();
        var timeline = SpeechTimeline.FromCentiseconds([(200, 300), (1000, 1050)], original.Length);

        var glued = timeline.Concatenate(original);

        Assert.Equal(2, timeline.RegionCount);
        Assert.Equal(16000 + SpeechTimeline.GapSamples + 8000, glued.Length);
        Assert.Equal(32000f, glued[0]);
        Assert.Equal(0f, glued[16000 + 5]); // in the gap
        Assert.Equal(160000f, glued[16000 + SpeechTimeline.GapSamples]);

        Assert.Equal(200, timeline.ToOriginalCentiseconds(0));
        Assert.Equal(250, timeline.ToOriginalCentiseconds(50));
        Assert.Equal(300, timeline.ToOriginalCentiseconds(100));
        Assert.Equal(300, timeline.ToOriginalCentiseconds(105)); // gap: end of the region before it
        Assert.Equal(1000, timeline.ToOriginalCentiseconds(110));
        Assert.Equal(1025, timeline.ToOriginalCentiseconds(135));
        Assert.Equal(1050, timeline.ToOriginalCentiseconds(5000)); // past the end: end of the last region
    }

    [Fact]
    public void Overlapping_and_out_of_range_regions_are_merged_and_clipped()
    {
        var timeline = SpeechTimeline.FromCentiseconds([(500, 700), (100, 300), (250, 400), (900, 5000), (650, 650)], 10 * 16000);

        Assert.Equal(3, timeline.RegionCount); // 1-4 s, 5-7 s, 9-10 s
        Assert.Equal((300 + 200 + 100) * 160 + 2 * SpeechTimeline.GapSamples, timeline.TotalSamples);
        Assert.Equal(100, timeline.ToOriginalCentiseconds(0));
        Assert.Equal(1000, timeline.ToOriginalCentiseconds(100_000));
    }

    [Fact]
    public void No_regions_means_no_samples()
    {
        var timeline = SpeechTimeline.FromCentiseconds([], 16000);

        Assert.Equal(0, timeline.RegionCount);
        Assert.Empty(timeline.Concatenate(new float[16000]));
    }
}
