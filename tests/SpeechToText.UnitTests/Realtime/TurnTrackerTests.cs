using SpeechToText.Core.Realtime;

namespace SpeechToText.UnitTests.Realtime;

/// <summary>Server VAD's turn decisions on speech regions, apart from the detector (positions in samples at 1 kHz: 1 sample = 1 ms).</summary>
public class TurnTrackerTests
{
    private static readonly TurnDetection Settings = new() { SilenceDurationMs = 500, IdleTimeoutMs = 3000 };

    [Fact]
    public void Speech_starts_at_its_first_region_and_stops_after_the_silence_duration()
    {
        var t = new TurnTracker(Settings, 1000);
        Assert.Empty(t.Observe([], 200));
        Assert.Equal([new TurnEvent.SpeechStarted(300)], t.Observe([(300, 400)], 400));
        Assert.Empty(t.Observe([(400, 600)], 600));
        // 400 ms of silence after 600: not yet.
        Assert.Empty(t.Observe([], 1000));
        Assert.Equal([new TurnEvent.SpeechStopped(600, 1100)], t.Observe([], 1100));
        Assert.False(t.InSpeech);
    }

    [Fact]
    public void A_pause_shorter_than_the_silence_duration_stays_in_the_turn()
    {
        var t = new TurnTracker(Settings, 1000);
        t.Observe([(0, 500)], 500);
        Assert.Empty(t.Observe([(900, 1200)], 1200));
        Assert.True(t.InSpeech);
        Assert.Equal([new TurnEvent.SpeechStopped(1200, 1700)], t.Observe([], 1700));
    }

    [Fact]
    public void The_idle_timeout_fires_once_per_quiet_stretch()
    {
        var t = new TurnTracker(Settings, 1000);
        t.Observe([(0, 200)], 200);
        t.Observe([], 700);
        Assert.Empty(t.Observe([], 3000));
        Assert.Equal([new TurnEvent.IdleTimeout(700, 3700)], t.Observe([], 3700));
        Assert.Empty(t.Observe([], 9000));
        // The next quiet stretch, after the next turn, times out again.
        t.Observe([(9000, 9200)], 9200);
        Assert.Equal([new TurnEvent.SpeechStopped(9200, 9700)], t.Observe([], 9700));
        Assert.Equal([new TurnEvent.IdleTimeout(9700, 12700)], t.Observe([], 12700));
    }

    [Fact]
    public void Without_an_idle_timeout_silence_is_just_silence_and_reset_forgets_a_turn()
    {
        var t = new TurnTracker(new TurnDetection(), 1000);
        Assert.Empty(t.Observe([], 60_000));
        t.Observe([(60_100, 60_300)], 60_300);
        t.Reset(60_300);
        Assert.False(t.InSpeech);
        Assert.Empty(t.Observe([], 61_000));
    }

    [Theory]
    [InlineData("high", 250)]
    [InlineData("medium", 500)]
    [InlineData("auto", 500)]
    [InlineData("low", 1000)]
    public void Semantic_vad_eagerness_maps_to_a_silence_duration(string eagerness, int silenceMs)
    {
        var d = TurnDetection.Semantic(eagerness);
        Assert.Equal(silenceMs, d.SilenceDurationMs);
        Assert.Equal("semantic_vad", d.Type);
    }
}
