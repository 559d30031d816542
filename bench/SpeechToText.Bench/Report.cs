using System.Text;
using System.Text.RegularExpressions;

namespace SpeechToText.Bench;

/// <summary>The same audio through the service and through whisper-cli, repetition by repetition.</summary>
internal sealed record PairResult(string Label, string Path, bool Vad)
{
    /// <summary>The --pairs key (wav-60, mp3pcm-60, ...).</summary>
    public string Key { get; init; } = "";

    /// <summary>What whisper-cli gets: the same file, or for the mp3pcm pairs the PCM our ffmpeg decoded from it.</summary>
    public string CliPath { get; init; } = Path;

    /// <summary>Length of the audio (from the WAV of the same input; NaN when unknown).</summary>
    public double AudioSeconds { get; init; } = double.NaN;

    public List<ServerSample> Ours { get; } = [];
    public List<CliSample> Cli { get; } = [];

    public double OursMedian => Stats.Median(Ours.Select(x => x.EndToEndMs).ToList());
    public double OursMin => Stats.Min(Ours.Select(x => x.EndToEndMs).ToList());
    public double CliWarmMedian => Stats.Median(Cli.Select(x => x.WarmMs).ToList());
    public double CliWarmMin => Stats.Min(Cli.Select(x => x.WarmMs).ToList());
    public double CliTotalMedian => Stats.Median(Cli.Select(x => x.TotalMs).ToList());
    public double CliLoadMedian => Stats.Median(Cli.Select(x => x.LoadMs).ToList());

    /// <summary>Warm model against warm model: ours over whisper-cli's printed total minus its load time.</summary>
    public double FairRatio => OursMedian / CliWarmMedian;

    /// <summary>ours / cli warm of each repetition (the two ran back to back): the noise a median hides.</summary>
    public List<double> PairRatios => [.. Ours.Zip(Cli).Select(p => p.First.EndToEndMs / p.Second.WarmMs)];

    public Spread PairSpread => Spread.Of(PairRatios);

    public int EqualTranscripts => Ours.Zip(Cli).Count(p => Report.Normalize(p.First.Text) == Report.Normalize(p.Second.Text));
}

/// <summary>Requests of one input through the service, for the time spent outside the engine.</summary>
internal sealed record OverheadResult(string Label)
{
    public OverheadResult(string label, IEnumerable<ServerSample> samples) : this(label) => Samples.AddRange(samples);

    public List<ServerSample> Samples { get; } = [];
}

internal sealed partial class Report(BenchOptions options, string loadAverageStart)
{
    private const double WavTarget = 1.02;
    private const double Mp3Target = 1.05;

    public List<PairResult> Pairs { get; } = [];
    public List<OverheadResult> Overheads { get; } = [];
    public Dictionary<string, long?> ServerPeakKiB { get; } = [];
    public string LoadAverageEnd { get; set; } = "?";
    public TimeSpan Elapsed { get; set; }

    public static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : $"{ms:0}";

    private static string MiB(long? kib) => kib is { } k ? $"{k / 1024.0:0.0} MiB" : "-";

    public string Render()
    {
        var s = new StringBuilder();
        var header = ModelHeader.Read(options.Model);
        s.AppendLine($"# Latency: the service (HTTP, warm model) vs whisper-cli, {header.Type} model");
        s.AppendLine();
        s.AppendLine($"- Model size: **{header.Type}**: {header.Describe()}.");
        s.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores; load average at start {loadAverageStart}, at end {LoadAverageEnd}; bench took {Elapsed:mm\\:ss}.");
        s.AppendLine($"- Model: `{options.Model}` ({new FileInfo(options.Model).Length:N0} bytes), the same file on both sides; threads {options.Threads} on both sides (server: Slots=1, ThreadsPerSlot={options.Threads}).");
        s.AppendLine($"- Audio: `{Path.GetFileName(options.Wav60)}` ({new FileInfo(options.Wav60).Length:N0} bytes), `{Path.GetFileName(options.Mp360)}` ({new FileInfo(options.Mp360).Length:N0} bytes), `{Path.GetFileName(options.Wav5)}`, `{Path.GetFileName(options.Mp35)}`.");
        var sample = new WhisperCli(options.NativeDir, options.Model, options.Threads, ".").Arguments("FILE", "OUT", null);
        s.AppendLine($"- whisper-cli: `whisper-cli {string.Join(' ', sample)}` (+ `--vad -vm {Path.GetFileName(options.VadModel)} -vt 0.5 -vspd 250 -vsd 100 -vmsd 29.5 -vp 30 -vo 0` for the VAD rows).");
        s.AppendLine($"- Repetitions: {options.Reps} per 60 s input with VAD off, {options.VadReps} with VAD on, {options.ShortReps} per paired 5 s input, interleaved (order alternates); {options.SmallRequests} requests per 5 s input (ours only). Pairs: {string.Join(", ", BenchOptions.AllPairs.Where(options.Pairs.Contains))}; warm-up: {options.Warmup} request(s), whisper-cli {(options.CliWarmup ? "one untimed run" : "model file read into the page cache")}.");
        s.AppendLine();

        s.AppendLine("## 1. End-to-end latency against whisper-cli (ms)");
        s.AppendLine();
        s.AppendLine("`ours` = HTTP request start to last response byte (upload, decode, VAD, whisper_full, JSON). `cli wall` = process start to exit (includes model load). `cli total` = whisper.cpp's printed total time (model load + audio read + inference). `cli warm` = total - load: the fair figure for a warm server. `pairwise` = ours / cli warm of each repetition (the two ran back to back), median (min–max): the spread says whether a 2 % difference is more than noise.");
        s.AppendLine();
        s.AppendLine("| input | VAD | ours median (min) | cli wall median (min) | cli total median | cli load median | cli warm median (min) | ours/wall | ours/total | **ours/warm** | same transcript | pairwise ours/warm median (min–max), n |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in Pairs)
        {
            var wall = p.Cli.Select(x => x.WallMs).ToList();
            s.AppendLine($"| {p.Label} | {(p.Vad ? "on" : "off")} | {Ms(p.OursMedian)} ({Ms(p.OursMin)}) | {Ms(Stats.Median(wall))} ({Ms(Stats.Min(wall))}) | {Ms(p.CliTotalMedian)} | {Ms(p.CliLoadMedian)} | {Ms(p.CliWarmMedian)} ({Ms(p.CliWarmMin)}) | {p.OursMedian / Stats.Median(wall):0.000} | {p.OursMedian / p.CliTotalMedian:0.000} | **{p.FairRatio:0.000}** | {p.EqualTranscripts}/{Math.Min(p.Ours.Count, p.Cli.Count)} | {p.PairSpread.Render()}, {p.PairSpread.N} |");
        }
        s.AppendLine();
        s.AppendLine("Fair comparison (warm model against warm model), ratio of medians:");
        s.AppendLine();
        foreach (var p in Pairs)
        {
            s.AppendLine($"- {p.Label}, VAD {(p.Vad ? "on" : "off")}: {p.OursMedian:0} / ({p.CliTotalMedian:0} - {p.CliLoadMedian:0} = {p.CliWarmMedian:0}) = {p.FairRatio:0.000}; by minimums {p.OursMin / p.CliWarmMin:0.000}; pairwise {p.PairSpread.Render()} over {p.PairSpread.N} repetition(s): [{string.Join(", ", p.PairRatios.Select(r => r.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}]");
        }
        s.AppendLine();
        s.AppendLine("Transcripts: ours distinct across repetitions / cli distinct across repetitions (1/1 = deterministic on both sides):");
        s.AppendLine();
        foreach (var p in Pairs)
        {
            s.AppendLine($"- {p.Label}, VAD {(p.Vad ? "on" : "off")}: {p.Ours.Select(x => Normalize(x.Text)).Distinct().Count()}/{p.Cli.Select(x => Normalize(x.Text)).Distinct().Count()}; first ours: \"{Clip(p.Ours.FirstOrDefault()?.Text)}\", first cli: \"{Clip(p.Cli.FirstOrDefault()?.Text)}\"");
        }
        s.AppendLine();

        s.AppendLine("### Where the time goes (medians, ms)");
        s.AppendLine();
        s.AppendLine("| input | VAD | ours e2e | ours whisper_full | ours VAD | ours outside engine | cli warm | cli inference (mel+sample+encode+decode+batchd+prompt) | cli warm - inference (audio read, VAD, output) | whisper_full ours/cli inference |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in Pairs)
        {
            var full = Stats.Median(p.Ours.Select(x => x.WhisperMs).ToList());
            var inference = Stats.Median(p.Cli.Select(x => x.InferenceMs).ToList());
            var warm = p.CliWarmMedian;
            s.AppendLine($"| {p.Label} | {(p.Vad ? "on" : "off")} | {Ms(p.OursMedian)} | {Ms(full)} | {Ms(Stats.Median(p.Ours.Select(x => x.VadMs).ToList()))} | {Ms(Stats.Median(p.Ours.Select(x => x.OverheadMs).ToList()))} | {Ms(warm)} | {Ms(inference)} | {Ms(Stats.Median(p.Cli.Select(x => x.WarmMs - x.InferenceMs).ToList()))} | {full / inference:0.000} |");
        }
        s.AppendLine();

        s.AppendLine("## 2. Time outside inference, per request (ms)");
        s.AppendLine();
        s.AppendLine("Overhead = end-to-end latency - whisper_full - VAD, as the server reports them in its `Server-Timing` header. Nearest-rank percentiles: with fewer than 100 samples p99 is the maximum.");
        s.AppendLine();
        s.AppendLine("| input | n | e2e p50 | whisper_full p50 | overhead p50 | overhead p99 | overhead min |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in Overheads)
        {
            var overhead = r.Samples.Select(x => x.OverheadMs).ToList();
            s.AppendLine($"| {r.Label} | {r.Samples.Count} | {Ms(Stats.Percentile(r.Samples.Select(x => x.EndToEndMs).ToList(), 50))} | {Ms(Stats.Percentile(r.Samples.Select(x => x.WhisperMs).ToList(), 50))} | {Stats.Percentile(overhead, 50):0.0} | {Stats.Percentile(overhead, 99):0.0} | {Stats.Min(overhead):0.0} |");
        }
        s.AppendLine();

        s.AppendLine("## 3. Peak memory (VmHWM)");
        s.AppendLine();
        s.AppendLine("| process | peak RSS |");
        s.AppendLine("|---|---|");
        foreach (var (phase, kib) in ServerPeakKiB)
        {
            s.AppendLine($"| server, whole run with {phase} (1 slot) | {MiB(kib)} |");
        }
        foreach (var vad in new[] { false, true })
        {
            var runs = Pairs.Where(p => p.Vad == vad).SelectMany(p => p.Cli).ToList();
            if (runs.Count > 0)
            {
                s.AppendLine($"| whisper-cli, largest of {runs.Count} runs, VAD {(vad ? "on" : "off")} (polled every 20 ms) | {MiB(runs.Max(x => x.PeakRssKiB))} |");
            }
        }
        s.AppendLine();

        s.AppendLine("## Targets (ours / cli warm, medians)");
        s.AppendLine();
        foreach (var p in Pairs.Where(p => !p.Vad))
        {
            var ratio = p.FairRatio;
            var target = p.Label.Contains("MP3", StringComparison.Ordinal) ? Mp3Target : WavTarget;
            var same = p.EqualTranscripts == Math.Min(p.Ours.Count, p.Cli.Count) ? "same transcripts" : "DIFFERENT transcripts: not the same work";
            s.AppendLine($"- {p.Label}: {ratio:0.000} against <= {target:0.00}: {(ratio <= target ? "met" : "MISSED")} ({same}); {Resolution(p.PairSpread)}");
        }
        return s.ToString();
    }

    /// <summary>Whether this run can tell 2 % from noise: the pairwise ratios must agree within less than that.</summary>
    internal static string Resolution(Spread spread) => spread switch
    {
        { N: 0 } => "no pairs",
        { N: 1 } => "one pair: no spread, so 2 % cannot be told from noise (more --reps)",
        { Min: { } min, Max: { } max } when max - min < 0.02 => $"pairwise {spread.Render()}: spread {max - min:0.000} < 0.02, resolves 2 %",
        { Min: { } min, Max: { } max } => $"pairwise {spread.Render()}: spread {max - min:0.000} ≥ 0.02, a 2 % difference is within this run's noise (more --reps, a quieter machine)",
        _ => "pairwise ratios undefined",
    };

    /// <summary>The machine-readable summary (latency.json next to latency.md) that bench/all.sh reads.</summary>
    public object Json()
    {
        var header = ModelHeader.Read(options.Model);
        return new
        {
            Bench = "latency",
            Model = options.Model,
            ModelType = header.Type,
            Synthetic = header.Synthetic,
            Threads = options.Threads,
            Reps = options.Reps,
            ShortReps = options.ShortReps,
            VadReps = options.VadReps,
            LoadAverageStart = loadAverageStart,
            LoadAverageEnd,
            ElapsedSeconds = Math.Round(Elapsed.TotalSeconds, 1),
            Pairs = Pairs.Select(p => new
            {
                p.Key,
                p.Label,
                p.Vad,
                N = Math.Min(p.Ours.Count, p.Cli.Count),
                AudioSeconds = BenchJson.Num(p.AudioSeconds),
                OursMedianMs = BenchJson.Num(p.OursMedian),
                CliWarmMedianMs = BenchJson.Num(p.CliWarmMedian),
                RatioOfMedians = BenchJson.Num(p.FairRatio),
                Pairwise = p.PairSpread,
                PairRatios = p.PairRatios.Select(r => BenchJson.Num(r)).ToList(),
                // Audio seconds per second of our end-to-end time (median): above 1 is faster than real time.
                RealTimeFactor = BenchJson.Num(p.AudioSeconds / (p.OursMedian / 1000)),
                SameTranscripts = p.EqualTranscripts,
            }).ToList(),
            ServerPeakRssKib = ServerPeakKiB,
            CliPeakRssKib = Pairs.SelectMany(p => p.Cli).Select(c => (long?)c.PeakRssKiB).Max(),
        };
    }

    private static string Clip(string? text)
    {
        var t = Normalize(text ?? "");
        return t.Length <= 60 ? t : t[..60] + "...";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
