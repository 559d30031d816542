namespace SpeechToText.Bench.Load;

/// <summary>How a request ended, as a client sees it.</summary>
internal enum Outcome
{
    /// <summary>200 with a transcript.</summary>
    Ok,

    /// <summary>429: the server shed load; the client backed off. Not an error.</summary>
    Busy,

    /// <summary>Anything else: another status, a 200 without a transcript, a dropped connection, a timeout.</summary>
    Error,
}

/// <summary>One request: seconds since the measured window opened, its outcome, and for errors what happened.</summary>
internal sealed record LoadSample(double StartSeconds, double EndSeconds, Outcome Outcome, string? Detail = null, double? WhisperMs = null)
{
    public double LatencyMs => (EndSeconds - StartSeconds) * 1000;
}

/// <summary>The server's resident memory at one moment of the run.</summary>
internal sealed record RssSample(double Seconds, long KiB);

/// <summary>What one load run measured against one server.</summary>
internal sealed class LoadResult
{
    /// <summary>Memory may grow by this share over the second half of the window and still count as flat.</summary>
    public const double FlatTolerance = 0.05;

    public required string Server { get; init; }
    public required string Layout { get; init; }
    public required int Clients { get; init; }
    public required double WindowSeconds { get; init; }
    public required double ClipSeconds { get; init; }
    public required IReadOnlyList<LoadSample> Samples { get; init; }
    public required IReadOnlyList<RssSample> Rss { get; init; }
    public long? PeakRssKiB { get; init; }
    /// <summary>Transcript of the first warm-up request, to check both servers did the same work.</summary>
    public string FirstText { get; set; } = "";

    /// <summary>Time clients spent waiting as Retry-After asked, after 429s.</summary>
    public double BackoffSeconds { get; init; }

    private IEnumerable<LoadSample> Of(Outcome outcome) => Samples.Where(s => s.Outcome == outcome);

    public int Ok => Of(Outcome.Ok).Count();

    public int Busy => Of(Outcome.Busy).Count();

    public int Errors => Of(Outcome.Error).Count();

    /// <summary>Share of all attempts answered 429.</summary>
    public double BusyRate => Samples.Count == 0 ? 0 : Busy / (double)Samples.Count;

    /// <summary>
    /// Audio seconds transcribed per wall second: successful requests that completed inside the window.
    /// Requests still running when it closed finish (their latency counts) but add nothing here, on both sides alike.
    /// </summary>
    public double Throughput => Of(Outcome.Ok).Count(s => s.EndSeconds <= WindowSeconds) * ClipSeconds / WindowSeconds;

    public double LatencyP50Ms => Stats.Percentile(Of(Outcome.Ok).Select(s => s.LatencyMs).ToList(), 50);

    public double LatencyP99Ms => Stats.Percentile(Of(Outcome.Ok).Select(s => s.LatencyMs).ToList(), 99);

    /// <summary>Median engine time (our Server-Timing header), NaN for a server that does not send it.</summary>
    public double WhisperP50Ms => Stats.Median(Of(Outcome.Ok).Where(s => s.WhisperMs is not null).Select(s => s.WhisperMs!.Value).ToList());

    /// <summary>Errors by what happened, most frequent first.</summary>
    public IEnumerable<(string Detail, int Count)> ErrorKinds =>
        Of(Outcome.Error).GroupBy(s => s.Detail ?? "?").Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2);

    /// <summary>RSS at the start, middle and end of the window (the samples nearest those times).</summary>
    public (long Start, long Middle, long End)? RssStartMiddleEnd => Rss.Count == 0
        ? null
        : (Rss[0].KiB, Rss.MinBy(r => Math.Abs(r.Seconds - WindowSeconds / 2))!.KiB, Rss[^1].KiB);

    /// <summary>
    /// Flat: no growth over the second half of the window (end within <see cref="FlatTolerance"/> of the middle).
    /// The first half is ramp-up, not a leak: requests waiting in the queue hold their uploads and samples, and
    /// the runtime's heaps grow to the load; a leak keeps growing after that.
    /// </summary>
    public bool MemoryFlat => RssStartMiddleEnd is { } r && r.End <= r.Middle * (1 + FlatTolerance);
}
