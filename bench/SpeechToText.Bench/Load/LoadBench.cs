using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SpeechToText.Bench.Load;

/// <summary>
/// Our server against whisper.cpp's own server under the same closed-loop load (bench/load.sh): the same
/// model file, clip, client count, window and thread budget; one run per engine layout of ours, then one of
/// whisper-server. Each server runs alone, so neither competes with the other for the two cores.
/// </summary>
internal static class LoadBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await RunAsync(LoadOptions.Parse(args)).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"load bench: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> RunAsync(LoadOptions o)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        Directory.CreateDirectory(o.WorkDir);
        var clock = Stopwatch.StartNew();
        void Say(string message) => Console.Error.WriteLine($"[load-bench {clock.Elapsed:mm\\:ss}] {message}");
        var clip = await File.ReadAllBytesAsync(o.Clip).ConfigureAwait(false);
        var report = new LoadReport(o, ProcStatus.LoadAverage());
        // One connection per client (the handler opens as many as there are requests in flight); no client-side timeout:
        // the driver applies --request-timeout itself and counts it as an error.
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

        async Task<LoadResult> MeasureAsync(LoadTarget target, string layout, int slots)
        {
            var driver = new LoadDriver(http, target, clip, Path.GetFileName(o.Clip), o.RequestTimeout);
            Say($"  warm-up: {o.WarmupPerClient} round(s) of {Math.Min(slots, o.Clients)} concurrent request(s)");
            var first = await driver.WarmUpAsync().ConfigureAwait(false);
            for (var round = 0; round < o.WarmupPerClient; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, Math.Min(slots, o.Clients)).Select(_ => driver.WarmUpAsync())).ConfigureAwait(false);
            }
            Say($"  {o.Clients} clients for {o.Duration.TotalSeconds:0} s");
            var result = await driver.RunAsync(o.Clients, o.Duration, layout, o.ClipSeconds).ConfigureAwait(false);
            result.FirstText = first;
            Say($"  {result.Ok} ok, {result.Busy} × 429, {result.Errors} errors; {result.Throughput:0.00} audio s/s; p50 {result.LatencyP50Ms:0} ms, p99 {result.LatencyP99Ms:0} ms");
            return result;
        }

        // A server that cannot start or answer its warm-up in time is reported as such; the other runs still count.
        async Task SideAsync(string label, Func<Task<LoadResult>> run)
        {
            Say(label);
            try
            {
                report.Runs.Add(await run().ConfigureAwait(false));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                Say($"  failed: {e.Message}");
                report.Failures.Add($"{label}: {e.Message}");
            }
        }

        if (o.Only != LoadSides.Peer)
        {
            foreach (var layout in o.Layouts)
            {
                await SideAsync($"our server, layout {layout.Label}", async () =>
                {
                    await using var server = await ServerProcess.StartAsync(o.ServerDll, o.Port, ServerSettings(o, layout),
                        Path.Combine(o.WorkDir, $"load-ours-{layout.Label}.log"), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                    var (slots, threads, queue) = await EngineLayoutAsync(server).ConfigureAwait(false);
                    return await MeasureAsync(LoadTarget.Ours(server.BaseAddress, server.Pid), $"{slots}×{threads}, queue {queue}", slots)
                        .ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
        }
        if (o.Only != LoadSides.Ours)
        {
            await SideAsync($"whisper-server, -t {o.PeerThreads}", async () =>
            {
                await using var peer = await WhisperServerProcess.StartAsync(o.NativeDir, o.Model, o.PeerThreads, o.PeerPort,
                    Path.Combine(o.WorkDir, "load-whisper-server.log"), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                return await MeasureAsync(LoadTarget.Peer(peer.BaseAddress, peer.Pid), $"1 mutex × {o.PeerThreads}, queue unbounded", 1)
                    .ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        report.LoadAverageEnd = ProcStatus.LoadAverage();
        report.Elapsed = clock.Elapsed;
        var markdown = report.Render();
        await File.WriteAllTextAsync(o.Output, markdown).ConfigureAwait(false);
        BenchJson.Write(o.Output, report.Json());
        Console.WriteLine(markdown);
        return report.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Only what the layout sets explicitly: unset values leave the server's own defaults in force.</summary>
    private static Dictionary<string, string> ServerSettings(LoadOptions o, EngineLayout layout)
    {
        var settings = new Dictionary<string, string>
        {
            ["Whisper__ModelPath"] = o.Model,
            ["Whisper__NativeDirectory"] = o.NativeDir,
        };
        void Set(string key, int? value)
        {
            if (value is { } v)
            {
                settings[key] = v.ToString(CultureInfo.InvariantCulture);
            }
        }
        Set("Whisper__Slots", layout.Slots);
        Set("Whisper__ThreadsPerSlot", layout.Threads);
        Set("Whisper__QueueCapacity", layout.Queue);
        return settings;
    }

    /// <summary>The layout the server actually runs with, from /health (defaults resolved by the server itself).</summary>
    private static async Task<(int Slots, int Threads, int Queue)> EngineLayoutAsync(ServerProcess server)
    {
        using var response = await server.GetAsync("health").ConfigureAwait(false);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        var engine = doc.RootElement.GetProperty("engine");
        return (engine.GetProperty("slots_total").GetInt32(), engine.GetProperty("threads_per_slot").GetInt32(),
            engine.GetProperty("queue_capacity").GetInt32());
    }
}
