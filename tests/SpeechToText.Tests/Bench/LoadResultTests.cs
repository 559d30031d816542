extern alias bench;
using bench::SpeechToText.Bench.Load;

namespace SpeechToText.Tests.Bench;

public sealed class LoadResultTests
{
    private static LoadResult With(IReadOnlyList<LoadSample> samples, IReadOnlyList<RssSample>? rss = null) => new()
    {
        Server = "ours",
        Layout = "1×2",
        Clients = 2,
        WindowSeconds = 10,
        ClipSeconds = 5,
        Samples = samples,
        Rss = rss ?? [],
    };

    [Fact]
    public void Throughput_counts_successes_that_completed_inside_the_window()
    {
        var result = With(
        [
            new(0, 2, Outcome.Ok),
            new(2, 4, Outcome.Ok),
            new(4, 4.1, Outcome.Busy),
            new(4, 4.2, Outcome.Error, "HTTP 500"),
            new(9, 12, Outcome.Ok), // still running when the window closed
        ]);

        Assert.Equal(2 * 5 / 10.0, result.Throughput, 9);
        Assert.Equal(3, result.Ok);
        Assert.Equal(1, result.Busy);
        Assert.Equal(1, result.Errors);
        Assert.Equal(0.2, result.BusyRate, 9);
        // Latency is over every success, the late one included: 2000, 2000, 3000 ms.
        Assert.Equal(2000, result.LatencyP50Ms, 6);
        Assert.Equal(3000, result.LatencyP99Ms, 6);
        Assert.Equal([("HTTP 500", 1)], result.ErrorKinds);
    }

    [Fact]
    public void Memory_is_flat_when_it_stops_growing_over_the_second_half_of_the_window()
    {
        // Ramp-up in the first half is fine; the end may exceed the middle by 5 % at most.
        RssSample[] flat = [new(0, 300_000), new(4, 380_000), new(5, 400_000), new(10, 419_000)];
        RssSample[] growing = [new(0, 300_000), new(5, 400_000), new(10, 421_000)];

        Assert.True(With([], flat).MemoryFlat);
        Assert.Equal((300_000L, 400_000L, 419_000L), With([], flat).RssStartMiddleEnd);
        Assert.False(With([], growing).MemoryFlat);
        Assert.False(With([]).MemoryFlat); // nothing sampled: nothing shown to be flat
    }
}
