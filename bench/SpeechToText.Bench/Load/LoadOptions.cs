using System.Globalization;

namespace SpeechToText.Bench.Load;

/// <summary>Which servers a load run drives.</summary>
internal enum LoadSides
{
    Both,
    Ours,
    Peer,
}

/// <summary>One engine layout of our server: slots × threads per slot (null = the server's own default).</summary>
internal sealed record EngineLayout(int? Slots, int? Threads, int? Queue)
{
    public string Label => Slots is null && Threads is null ? "defaults" : $"{Show(Slots)}×{Show(Threads)}";

    private static string Show(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "default";

    /// <summary>"2x1" (slots x threads), as --configs takes it.</summary>
    public static EngineLayout Parse(string text, int? queue)
    {
        var parts = text.Split('x', 'X', '×');
        if (parts.Length != 2)
        {
            throw new ArgumentException($"a layout is SLOTSxTHREADS, e.g. 2x1 (got '{text}')");
        }
        return new EngineLayout(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), queue);
    }
}

/// <summary>Command line of the load mode (bench/load.sh passes the paths; the rest are the operator's flags).</summary>
internal sealed class LoadOptions
{
    public required string ServerDll { get; init; }
    public required string NativeDir { get; init; }
    public required string Model { get; init; }
    public required string Clip { get; init; }
    /// <summary>Length of the clip: what one successful request transcribes.</summary>
    public required double ClipSeconds { get; init; }
    public required string WorkDir { get; init; }
    public required string Output { get; init; }
    public int Clients { get; init; } = 4;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public required IReadOnlyList<EngineLayout> Layouts { get; init; }
    public LoadSides Only { get; init; } = LoadSides.Both;
    /// <summary>whisper-server's -t: the same thread budget as ours (all cores unless told).</summary>
    public int PeerThreads { get; init; } = Environment.ProcessorCount;
    /// <summary>Requests per client before the measured window: states created, caches warm.</summary>
    public int WarmupPerClient { get; init; } = 1;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public int Port { get; init; } = 18090;
    public int PeerPort { get; init; } = 18091;
    /// <summary>The exact command line, printed in the report so a quiet machine can repeat it.</summary>
    public string CommandLine { get; init; } = "";

    public static LoadOptions Parse(string[] args)
    {
        var map = BenchOptions.ParseArgs(args);
        string Need(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int? Int(string name) => map.TryGetValue(name, out var v) ? Positive(name, int.Parse(v, CultureInfo.InvariantCulture)) : null;
        var queue = map.TryGetValue("queue", out var q) ? int.Parse(q, CultureInfo.InvariantCulture) : (int?)null;
        IReadOnlyList<EngineLayout> layouts = map.TryGetValue("configs", out var configs)
            ? [.. configs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => EngineLayout.Parse(c, queue))]
            : [new EngineLayout(Int("slots"), Int("threads"), queue)];
        return new LoadOptions
        {
            ServerDll = Need("server-dll"),
            NativeDir = Need("native-dir"),
            Model = Need("model"),
            Clip = Need("clip"),
            ClipSeconds = double.Parse(Need("clip-seconds"), CultureInfo.InvariantCulture),
            WorkDir = Need("work"),
            Output = Need("out"),
            Clients = Int("clients") ?? 4,
            Duration = TimeSpan.FromSeconds(Int("duration") ?? 60),
            Layouts = layouts,
            Only = map.TryGetValue("only", out var only) ? ParseSides(only) : LoadSides.Both,
            PeerThreads = Int("peer-threads") ?? Environment.ProcessorCount,
            WarmupPerClient = map.TryGetValue("warmup", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : 1,
            RequestTimeout = TimeSpan.FromSeconds(Int("request-timeout") ?? 300),
            Port = Int("port") ?? 18090,
            PeerPort = Int("peer-port") ?? 18091,
            CommandLine = map.TryGetValue("command", out var command) ? command : "",
        };
    }

    private static int Positive(string name, int value) =>
        value > 0 ? value : throw new ArgumentException($"--{name} must be positive (got {value})");

    private static LoadSides ParseSides(string text) => text switch
    {
        "ours" => LoadSides.Ours,
        "peer" => LoadSides.Peer,
        "both" => LoadSides.Both,
        _ => throw new ArgumentException($"--only takes ours, peer or both (got '{text}')"),
    };
}
