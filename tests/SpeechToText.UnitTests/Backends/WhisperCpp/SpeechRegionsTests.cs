using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.UnitTests.Backends.WhisperCpp;

/// <summary>How block-by-block VAD output becomes one list of speech regions (SileroVad runs the native part).</summary>
public class SpeechRegionsTests
{
    [Fact]
    public void A_segment_is_moved_to_absolute_time_and_its_lead_in_cut_off()
    {
        // Buffer starts at 8 s (800 cs), the block itself at 10 s: a segment from 1.5 s to 3 s into the buffer is
        // 9.5 s to 11 s, of which only 10 s to 11 s belongs to the block.
        Assert.Equal(new SpeechRegion(1000, 1100), SpeechRegions.InBlock(150, 300, 800, 1000));
        Assert.Equal(new SpeechRegion(1050, 1100), SpeechRegions.InBlock(250, 300, 800, 1000));
    }

    [Fact]
    public void A_segment_wholly_in_the_lead_in_is_dropped() =>
        Assert.Null(SpeechRegions.InBlock(20, 150, 800, 1000));

    [Fact]
    public void Regions_cut_by_a_block_edge_are_joined_again()
    {
        var regions = new List<SpeechRegion>();
        SpeechRegions.Append(regions, new(900, 999));
        SpeechRegions.Append(regions, new(1004, 1200));
        Assert.Equal([new SpeechRegion(900, 1200)], regions);
    }

    [Fact]
    public void A_real_pause_keeps_two_regions()
    {
        var regions = new List<SpeechRegion>();
        SpeechRegions.Append(regions, new(100, 200));
        SpeechRegions.Append(regions, new(200 + SpeechRegions.JoinGapCs + 0.5, 400));
        Assert.Equal(2, regions.Count);
    }

    [Fact]
    public void The_join_gap_is_inclusive()
    {
        var regions = new List<SpeechRegion>();
        SpeechRegions.Append(regions, new(100, 200));
        SpeechRegions.Append(regions, new(200 + SpeechRegions.JoinGapCs, 300));
        Assert.Equal([new SpeechRegion(100, 300)], regions);
    }

    [Fact]
    public void A_join_that_would_outgrow_the_maximum_is_not_made()
    {
        var regions = new List<SpeechRegion>();
        SpeechRegions.Append(regions, new(0, 2900), maxRegionCs: 2950);
        SpeechRegions.Append(regions, new(2903, 3000), maxRegionCs: 2950);
        Assert.Equal([new SpeechRegion(0, 2900), new SpeechRegion(2903, 3000)], regions);
        SpeechRegions.Append(regions, new(3002, 3100), maxRegionCs: 2950);
        Assert.Equal(new SpeechRegion(2903, 3100), regions[^1]);
    }

    [Fact]
    public void A_region_inside_the_last_one_does_not_shorten_it()
    {
        var regions = new List<SpeechRegion> { new(100, 500) };
        SpeechRegions.Append(regions, new(200, 300));
        Assert.Equal([new SpeechRegion(100, 500)], regions);
    }

    [Fact]
    public void Samples_are_widened_to_whole_samples_and_clipped_to_the_window()
    {
        // 16 kHz: 1 cs = 160 samples. 1.234 cs starts at sample 197.44 -> 197; 2.001 cs ends at 320.16 -> 321.
        var samples = SpeechRegions.ToSamples([new(1.234, 2.001), new(10, 20), new(30, 40)], start: 1000, end: 6000, sampleRate: 16_000);
        Assert.Equal([(1600, 3200), (4800, 6000)], samples);
        Assert.Equal([(197, 321)], SpeechRegions.ToSamples([new(1.234, 2.001)], 0, 16_000, 16_000));
    }

    [Fact]
    public void Regions_outside_the_window_are_left_out() =>
        Assert.Empty(SpeechRegions.ToSamples([new(0, 5), new(100, 200)], start: 1000, end: 16_000, sampleRate: 16_000));
}
