using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;

namespace SpeechToText.Bench.Pipeline;

/// <summary>
/// The blob pipeline end to end: the real server process (blob watcher, the local Durable Task hub, local engine)
/// against Azurite. One run per (input, engine slots), each with its own containers and task hub, so a server only
/// ever sees its own input. What a run reports comes from the job's status (the orchestration's stage timings) and
/// from the engine's own timings stored beside every chunk result.
/// </summary>
internal static class PipelineBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var o = PipelineBenchOptions.Parse(args);
        Directory.CreateDirectory(o.WorkDir);
        var total = Stopwatch.StartNew();
        void Say(string message) => Console.Error.WriteLine($"[pipeline-bench {total.Elapsed:mm\\:ss}] {message}");
        var report = new PipelineReport(o, ProcStatus.LoadAverage());
        var blobs = new BlobServiceClient(o.ConnectionString);

        Say($"overhead run: {Path.GetFileName(o.LongInput)} with 1 worker");
        var overhead = await RunOnceAsync(o, blobs, o.LongInput, workers: 1, o.OverheadThreads, o.ChunkSeconds, Say).ConfigureAwait(false);
        report.Overhead = overhead;
        Say("replaying the run's storage traffic against Azurite (same blobs, same client library)");
        report.Replay = await StorageReplay.RunAsync(blobs, overhead).ConfigureAwait(false);

        foreach (var w in o.Workers)
        {
            if (w == 1 && o.ScalingInput == o.LongInput && o.OverheadThreads == 1 && o.ScalingChunkSeconds == o.ChunkSeconds)
            {
                report.Scaling.Add(overhead);
                continue;
            }
            Say($"scaling run: {Path.GetFileName(o.ScalingInput)} with {w} worker(s)");
            report.Scaling.Add(await RunOnceAsync(o, blobs, o.ScalingInput, w, threads: 1, o.ScalingChunkSeconds, Say).ConfigureAwait(false));
        }

        report.LoadAverageEnd = ProcStatus.LoadAverage();
        report.Elapsed = total.Elapsed;
        var markdown = report.Render();
        await File.WriteAllTextAsync(o.Output, markdown).ConfigureAwait(false);
        Console.WriteLine(markdown);
        return 0;
    }

    private static async Task<PipelineRun> RunOnceAsync(PipelineBenchOptions o, BlobServiceClient blobs, string input, int workers,
        int threads, double chunkSeconds, Action<string> say)
    {
        var prefix = $"bench{DateTime.UtcNow:HHmmss}w{workers}";
        var names = new Dictionary<string, string>
        {
            ["Storage__InputContainer"] = $"{prefix}-in",
            ["Storage__OutputContainer"] = $"{prefix}-out",
            ["Storage__JobsContainer"] = $"{prefix}-jobs",
            ["Pipeline__TaskHub"] = prefix,
        };
        var settings = new Dictionary<string, string>(names)
        {
            ["Storage__ConnectionString"] = o.ConnectionString,
            ["Whisper__ModelPath"] = o.Model,
            ["Whisper__VadModelPath"] = o.VadModel,
            ["Whisper__NativeDirectory"] = o.NativeDir,
            ["Whisper__Slots"] = workers.ToString(CultureInfo.InvariantCulture),
            ["Whisper__ThreadsPerSlot"] = threads.ToString(CultureInfo.InvariantCulture),
            ["Whisper__QueueCapacity"] = (4 * workers).ToString(CultureInfo.InvariantCulture),
            ["Pipeline__Enabled"] = "true",
            // One chunk in flight per slot: the defaults (Pipeline:MaxChunksInFlight = slots, activities = slots + 1).
            ["Pipeline__LocalChunkTargetSeconds"] = chunkSeconds.ToString(CultureInfo.InvariantCulture),
            // The watcher only starts the job; its listing interval is reported apart, not counted.
            ["Pipeline__WatchInterval"] = "00:00:00.500",
            ["Audio__TempDirectory"] = Path.Combine(o.WorkDir, "pipeline-tmp"),
        };
        await using var server = await ServerProcess.StartAsync(o.ServerDll, o.Port, settings,
            Path.Combine(o.WorkDir, $"server-pipeline-w{workers}.log"), TimeSpan.FromMinutes(2)).ConfigureAwait(false);

        var inputContainer = blobs.GetBlobContainerClient(names["Storage__InputContainer"]);
        await inputContainer.CreateIfNotExistsAsync().ConfigureAwait(false);
        var name = Path.GetFileName(input);
        var upload = Stopwatch.StartNew();
        await using (var f = File.OpenRead(input))
        {
            await inputContainer.GetBlobClient(name).UploadAsync(f).ConfigureAwait(false);
        }
        var uploadedAt = DateTimeOffset.UtcNow;
        var uploadSeconds = upload.Elapsed.TotalSeconds;
        say($"  uploaded {new FileInfo(input).Length / 1e6:0.0} MB in {uploadSeconds:0.00} s; waiting for the job");

        var wall = Stopwatch.StartNew();
        JsonElement? last = null;
        string state = "";
        var lastSay = TimeSpan.Zero;
        while (wall.Elapsed < o.RunTimeout)
        {
            using var response = await server.GetAsync($"v1/transcription-jobs?input={Uri.EscapeDataString(name)}").ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                last = status.RootElement.Clone();
                state = status.RootElement.GetProperty("state").GetString() ?? "";
                if (state is "completed" or "failed" or "cancelled")
                {
                    break;
                }
                if (wall.Elapsed - lastSay > TimeSpan.FromSeconds(30))
                {
                    lastSay = wall.Elapsed;
                    say($"  {state}: {status.RootElement.GetProperty("chunks_done").GetInt32()}/{status.RootElement.GetProperty("chunks_total").GetInt32()} chunks");
                }
            }
            await Task.Delay(250).ConfigureAwait(false);
        }
        if (state != "completed" || last is null)
        {
            throw new InvalidOperationException($"the job for {name} ended as '{state}' after {wall.Elapsed.TotalSeconds:0} s (see the server log)");
        }
        var peak = server.PeakRssKiB();
        var jobs = blobs.GetBlobContainerClient(names["Storage__JobsContainer"]);
        var run = await PipelineRun.LoadAsync(last.Value, jobs, blobs.GetBlobContainerClient(names["Storage__OutputContainer"]), input, workers, uploadedAt,
            uploadSeconds, peak).ConfigureAwait(false);
        say($"  completed in {run.WallSeconds:0.0} s: {run.Chunks.Count} chunks, engine time summed over chunks {run.EngineSeconds:0.0} s");
        return run;
    }
}

/// <summary>Command line of the pipeline mode: --name value pairs (bench/pipeline.sh passes them all).</summary>
internal sealed class PipelineBenchOptions
{
    public required string ServerDll { get; init; }
    public required string NativeDir { get; init; }
    public required string Model { get; init; }
    public required string ModelLabel { get; init; }
    public required string VadModel { get; init; }
    public required string LongInput { get; init; }
    public required string ScalingInput { get; init; }
    public required string ConnectionString { get; init; }
    public required string WorkDir { get; init; }
    public required string Output { get; init; }
    public required IReadOnlyList<int> Workers { get; init; }
    public double ChunkSeconds { get; init; } = 300;
    /// <summary>Chunk target of the scaling runs: short enough that a short input still gives every worker several chunks.</summary>
    public double ScalingChunkSeconds { get; init; } = 60;
    /// <summary>Threads of the single slot in the overhead run (the scaling runs use one per slot).</summary>
    public int OverheadThreads { get; init; } = 1;
    public int Port { get; init; } = 18081;
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(15);

    public static PipelineBenchOptions Parse(string[] args)
    {
        var map = BenchOptions.ParseArgs(args);
        string Need(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        string Or(string name, string fallback) => map.TryGetValue(name, out var v) ? v : fallback;
        var inv = CultureInfo.InvariantCulture;
        return new PipelineBenchOptions
        {
            ServerDll = Need("server-dll"),
            NativeDir = Need("native-dir"),
            Model = Need("model"),
            ModelLabel = Or("model-label", Path.GetFileName(Need("model"))),
            VadModel = Need("vad-model"),
            LongInput = Need("long"),
            ScalingInput = Or("scaling", Need("long")),
            ConnectionString = Need("connection-string"),
            WorkDir = Need("work"),
            Output = Need("out"),
            Workers = [.. Or("workers", "1,2").Split(',').Select(w => int.Parse(w, inv))],
            OverheadThreads = int.Parse(Or("overhead-threads", "1"), inv),
            ChunkSeconds = double.Parse(Or("chunk-seconds", "300"), inv),
            ScalingChunkSeconds = double.Parse(Or("scaling-chunk-seconds", "60"), inv),
            Port = int.Parse(Or("port", "18081"), inv),
            RunTimeout = TimeSpan.FromMinutes(double.Parse(Or("run-timeout-minutes", "15"), inv)),
        };
    }
}
