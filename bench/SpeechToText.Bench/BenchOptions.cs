using System.Globalization;

namespace SpeechToText.Bench;

/// <summary>Command line: --name value pairs (bench/run.sh passes them all).</summary>
internal sealed class BenchOptions
{
    public required string ServerDll { get; init; }
    public required string NativeDir { get; init; }
    public required string Model { get; init; }
    public required string VadModel { get; init; }
    public required string Wav60 { get; init; }
    public required string Mp360 { get; init; }
    /// <summary>The 60 s MP3 as the service's own ffmpeg decodes it (float WAV): the PCM our engine gets.</summary>
    public required string Mp360Pcm { get; init; }
    public required string Wav5 { get; init; }
    public required string Mp35 { get; init; }
    /// <summary>The 5 s MP3 as our ffmpeg decodes it (float WAV), for the mp3pcm5 pair; optional.</summary>
    public string? Mp35Pcm { get; init; }
    public required string WorkDir { get; init; }
    public required string Output { get; init; }
    public int Threads { get; init; } = 2;
    public int Reps { get; init; } = 5;
    public int VadReps { get; init; } = 1;
    public int SmallRequests { get; init; } = 12;
    public int Port { get; init; } = 18080;

    /// <summary>
    /// The ours/whisper-cli pairs to measure, by key: wav-60, mp3-60, mp3pcm-60 (the 60 s inputs, --reps repetitions, also
    /// with VAD on for --vad-reps) and wav-5, mp3-5, mp3pcm-5 (the 5 s inputs, --short-reps repetitions). "mp3pcm" = whisper-cli
    /// given the PCM our ffmpeg decodes from the MP3 (same inference on both sides); with mp3-N too, both share our MP3 request.
    /// </summary>
    public IReadOnlySet<string> Pairs { get; init; } = DefaultPairs;

    /// <summary>Repetitions of the 5 s pairs.</summary>
    public int ShortReps { get; init; } = 5;

    /// <summary>Untimed requests to the server before measuring (5 s WAV and MP3 in turn).</summary>
    public int Warmup { get; init; } = 4;

    /// <summary>Whether one untimed whisper-cli run precedes the measurements; without it the model file is read once into the page cache.</summary>
    public bool CliWarmup { get; init; } = true;

    public static readonly IReadOnlySet<string> AllPairs = new HashSet<string>(StringComparer.Ordinal)
        { "wav-60", "mp3-60", "mp3pcm-60", "wav-5", "mp3-5", "mp3pcm-5" };

    private static readonly IReadOnlySet<string> DefaultPairs = new HashSet<string>(StringComparer.Ordinal) { "wav-60", "mp3-60", "mp3pcm-60" };

    public static BenchOptions Parse(string[] args)
    {
        var map = ParseArgs(args);
        string Need(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback) => map.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions
        {
            ServerDll = Need("server-dll"),
            NativeDir = Need("native-dir"),
            Model = Need("model"),
            VadModel = Need("vad-model"),
            Wav60 = Need("wav60"),
            Mp360 = Need("mp360"),
            Mp360Pcm = Need("mp360-pcm"),
            Wav5 = Need("wav5"),
            Mp35 = Need("mp35"),
            WorkDir = Need("work"),
            Output = Need("out"),
            Threads = Int("threads", 2),
            Reps = Int("reps", 5),
            VadReps = Int("vad-reps", 1),
            SmallRequests = Int("small", 12),
            Port = Int("port", 18080),
            Mp35Pcm = map.GetValueOrDefault("mp35-pcm"),
            Pairs = map.TryGetValue("pairs", out var pairs) ? ParsePairs(pairs, map.ContainsKey("mp35-pcm")) : DefaultPairs,
            ShortReps = Int("short-reps", Int("reps", 5)),
            Warmup = Int("warmup", 4),
            CliWarmup = Int("cli-warmup", 1) != 0,
        };
    }

    private static HashSet<string> ParsePairs(string text, bool hasShortPcm)
    {
        var set = new HashSet<string>(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        set.Remove("none");
        if (set.FirstOrDefault(p => !AllPairs.Contains(p)) is { } unknown)
        {
            throw new ArgumentException($"--pairs takes {string.Join(", ", AllPairs)} or none (got '{unknown}')");
        }
        if (set.Contains("mp3pcm-5") && !hasShortPcm)
        {
            throw new ArgumentException("the mp3pcm-5 pair needs --mp35-pcm (the 5 s MP3 decoded by our ffmpeg)");
        }
        return set;
    }

    /// <summary>"--name value" pairs into a map (both bench modes).</summary>
    internal static Dictionary<string, string> ParseArgs(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }
            map[args[i][2..]] = args[i + 1];
        }
        return map;
    }
}
