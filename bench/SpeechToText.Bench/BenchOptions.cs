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
    public required string WorkDir { get; init; }
    public required string Output { get; init; }
    public int Threads { get; init; } = 2;
    public int Reps { get; init; } = 5;
    public int VadReps { get; init; } = 1;
    public int SmallRequests { get; init; } = 12;
    public int Port { get; init; } = 18080;

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
        };
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
