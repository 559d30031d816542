using System.Text;

namespace SpeechToText.Bench.Load;

/// <summary>The markdown report of a load run: one row per server (and per layout of ours), then ours against whisper-server.</summary>
internal sealed class LoadReport(LoadOptions options, string loadAverageStart)
{
    private const double ThroughputTarget = 1.15;

    public List<LoadResult> Runs { get; } = [];

    /// <summary>Runs that produced no measurement: the server did not start or did not answer its warm-up in time.</summary>
    public List<string> Failures { get; } = [];
    public string LoadAverageEnd { get; set; } = "?";
    public TimeSpan Elapsed { get; set; }

    private static string MiB(long? kib) => kib is { } k ? $"{k / 1024.0:0}" : "-";

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : $"{ms:0}";

    private static string Ratio(double ratio) => double.IsFinite(ratio) ? $"{ratio:0.000}" : "- (nothing to divide by)";

    public string Render()
    {
        var s = new StringBuilder();
        var peer = Runs.FirstOrDefault(r => r.Server != "ours");
        var header = ModelHeader.Read(options.Model);
        s.AppendLine($"# Load: our server vs whisper.cpp's whisper-server, {header.Type} model");
        s.AppendLine();
        s.AppendLine($"- Model size: **{header.Type}**: {header.Describe()}.");
        s.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average at start {loadAverageStart}, at end {LoadAverageEnd}; bench took {Elapsed:mm\\:ss}.");
        s.AppendLine($"- Command: `{options.CommandLine}`");
        s.AppendLine($"- Model: `{options.Model}` ({new FileInfo(options.Model).Length:N0} bytes), the same file on both sides.");
        s.AppendLine($"- Clip: `{Path.GetFileName(options.Clip)}`, {options.ClipSeconds:0.##} s of speech, {new FileInfo(options.Clip).Length:N0} bytes, WAV 16 kHz mono; posted again by each client as soon as its previous request ends.");
        s.AppendLine($"- {options.Clients} clients for {options.Duration.TotalSeconds:0} s per server, after a warm-up; a 429 is honoured (the client waits its Retry-After, {LoadDriver.DefaultBackoff.TotalMilliseconds:0} ms without one); per-request limit {options.RequestTimeout.TotalSeconds:0} s; {LoadDriver.ConnectionErrorPause.TotalMilliseconds:0} ms pause after a connection error.");
        if (options.Only != LoadSides.Ours)
        {
            s.AppendLine($"- whisper-server: `whisper-server {string.Join(' ', WhisperServerProcess.Arguments(Path.GetFileName(options.Model), options.PeerThreads, options.PeerPort))}`, POST /inference with `response_format=json`.");
        }
        if (options.Only != LoadSides.Peer)
        {
            s.AppendLine("- Ours: POST /v1/audio/transcriptions with `model=whisper-1`, `language=en`, `response_format=json`; greedy, best_of 1, temperature 0 with 0.2 fallback, token timestamps, no flash attention (VAD only above 30 s, so not for this clip).");
        }
        s.AppendLine();

        s.AppendLine("| server | layout (slots × threads) | ok | throughput (audio s / s) | p50 (ms) | p99 (ms) | engine p50 (ms) | 429s (share of attempts) | other errors | RSS start / middle / end (MiB) | peak RSS (MiB) | memory flat | transcript = whisper-server's |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|");
        foreach (var r in Runs)
        {
            var rss = r.RssStartMiddleEnd is { } m ? $"{MiB(m.Start)} / {MiB(m.Middle)} / {MiB(m.End)}" : "-";
            var same = peer is null || r == peer ? "-" : Same(r.FirstText, peer.FirstText) ? "yes" : "NO";
            s.AppendLine($"| {r.Server} | {r.Layout} | {r.Ok} | {r.Throughput:0.000} | {Ms(r.LatencyP50Ms)} | {Ms(r.LatencyP99Ms)} | {Ms(r.WhisperP50Ms)} | {r.Busy} ({r.BusyRate:P0}) | {r.Errors} | {rss} | {MiB(r.PeakRssKiB)} | {(r.MemoryFlat ? "yes" : "NO")} | {same} |");
        }
        s.AppendLine();
        s.AppendLine("Throughput counts the requests that completed inside the window; p50/p99 are over every successful request (nearest rank: with fewer than 100, p99 is the slowest). Engine p50 is whisper_full's own time from our `Server-Timing` header: the rest of our latency is mostly waiting for a slot. RSS is sampled every second; flat = end within 5 % of the middle (the first half is ramp-up); peak is VmHWM over the server's life (start and warm-up included).");
        foreach (var failure in Failures)
        {
            s.AppendLine();
            s.AppendLine($"**Not measured:** {failure}.");
        }
        foreach (var r in Runs.Where(r => r.Errors > 0))
        {
            s.AppendLine();
            s.AppendLine($"Errors of {r.Server} ({r.Layout}): {string.Join("; ", r.ErrorKinds.Select(e => $"{e.Count} × {e.Detail}"))}.");
        }
        s.AppendLine();

        if (peer is not null && Runs.Any(r => r != peer))
        {
            s.AppendLine("## Ours / whisper-server");
            s.AppendLine();
            s.AppendLine($"| layout | throughput ratio (target ≥ {ThroughputTarget:0.00}) | p99 ratio (target ≤ 1) | errors other than 429 (target 0) | memory flat | all targets |");
            s.AppendLine("|---|---:|---:|---:|---|---|");
            foreach (var r in Runs.Where(r => r != peer))
            {
                // whisper-server may complete nothing inside the window on a loaded machine: no ratio then.
                var throughput = peer.Throughput > 0 ? r.Throughput / peer.Throughput : double.NaN;
                var p99 = r.LatencyP99Ms / peer.LatencyP99Ms;
                var met = throughput >= ThroughputTarget && p99 <= 1 && r.Errors == 0 && r.MemoryFlat;
                s.AppendLine($"| {r.Layout} | {Ratio(throughput)} | {Ratio(p99)} | {r.Errors} | {(r.MemoryFlat ? "yes" : "NO")} | {(met ? "met" : "MISSED")} |");
            }
            s.AppendLine();
        }
        return s.ToString();
    }

    /// <summary>The machine-readable summary (load.json next to load.md) that bench/all.sh reads.</summary>
    public object Json()
    {
        var header = ModelHeader.Read(options.Model);
        var peer = Runs.FirstOrDefault(r => r.Server != "ours");
        return new
        {
            Bench = "load",
            Model = options.Model,
            ModelType = header.Type,
            Synthetic = header.Synthetic,
            options.Clients,
            DurationSeconds = options.Duration.TotalSeconds,
            ClipSeconds = options.ClipSeconds,
            LoadAverageStart = loadAverageStart,
            LoadAverageEnd,
            ElapsedSeconds = Math.Round(Elapsed.TotalSeconds, 1),
            Runs = Runs.Select(r => new
            {
                r.Server,
                r.Layout,
                r.Ok,
                r.Busy,
                r.Errors,
                Throughput = BenchJson.Num(r.Throughput),
                P50Ms = BenchJson.Num(r.LatencyP50Ms),
                P99Ms = BenchJson.Num(r.LatencyP99Ms),
                EngineP50Ms = BenchJson.Num(r.WhisperP50Ms),
                PeakRssKib = r.PeakRssKiB,
                r.MemoryFlat,
                // Against whisper-server's run of the same invocation (null without one, or when it completed nothing).
                ThroughputRatio = peer is null || r == peer || peer.Throughput <= 0 ? null : BenchJson.Num(r.Throughput / peer.Throughput),
                P99Ratio = peer is null || r == peer ? null : BenchJson.Num(r.LatencyP99Ms / peer.LatencyP99Ms),
            }).ToList(),
            Failures,
        };
    }

    private static bool Same(string a, string b) => Report.Normalize(a) == Report.Normalize(b);
}
