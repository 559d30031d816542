using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeechToText.Bench.Load;

namespace SpeechToText.Bench.ColdStart;

/// <summary>
/// Cold start (bench/coldstart.sh): from process start to the first 200 for a 5 s clip, interleaved, for our server
/// as packaged (ReadyToRun publish), our server's plain build output (JIT only, for the ReadyToRun effect) and
/// whisper.cpp's whisper-server on the same model. Per start: when the process first answered HTTP, when the engine
/// was ready to infer (ours: the states-ready phase; whisper-server: listening, which it does only after loading its
/// model and state), the first 200, a warm second request, and the peak RSS. Our phases (runtime, host build, native
/// library, model, states, first inference) come from the server's own start-up timeline on /health. The Functions
/// worker is started the way its host starts it (its own process, the host's arguments and environment) against a
/// port that accepts and never answers, as no Functions host exists here: its phases up to "states ready" are read
/// from what it prints.
/// </summary>
internal static partial class ColdStartBench
{
    private const string Peer = "whisper-server";

    private sealed record Sample(string Server, double ListeningMs, double ReadyMs, double FirstMs, double? FirstInferenceMs, double WarmMs,
        long? PeakRssKiB, IReadOnlyDictionary<string, double> Phases);

    private static readonly string[] PhaseOrder = ["main", "host-built", "native-loaded", "model-loaded", "listening", "states-ready", "first-inference", "first-answer"];

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var arg = new BenchArgs(args);
        string Arg(string name, string? fallback = null) => arg[name, fallback];
        var serverDll = Arg("--server-dll");
        var jitDll = Arg("--jit-dll", "");
        var functionsDll = Arg("--functions-dll", "");
        var nativeDir = Arg("--native-dir");
        var model = Arg("--model");
        var size = Arg("--size", "tiny");
        var clip = File.ReadAllBytes(Arg("--clip"));
        var work = Arg("--work");
        int reps = int.Parse(Arg("--reps", "4"), CultureInfo.InvariantCulture);
        var load = ProcStatus.LoadAverage();
        var sides = new List<(string Name, Func<Task<Sample>> Run)>
        {
            ("ours (ReadyToRun, as packaged)", () => OursAsync("ours (ReadyToRun, as packaged)", serverDll, nativeDir, model, clip, work)),
            (Peer, () => PeerAsync(nativeDir, model, clip, work)),
        };
        if (jitDll.Length > 0)
        {
            sides.Add(("ours (build output, JIT)", () => OursAsync("ours (build output, JIT)", jitDll, nativeDir, model, clip, work)));
        }
        if (functionsDll.Length > 0)
        {
            sides.Add(("Functions worker (ReadyToRun)", () => WorkerAsync(functionsDll, nativeDir, model, work)));
        }
        var samples = new List<Sample>();
        for (int r = 0; r < reps; r++)
        {
            // Rotate the order every repetition so drift in the machine's load spreads over all sides.
            for (int i = 0; i < sides.Count; i++)
            {
                var (name, run) = sides[(i + r) % sides.Count];
                var s = await run().ConfigureAwait(false);
                samples.Add(s);
                Console.Error.WriteLine($"[coldstart] rep {r + 1} {name}: listening {s.ListeningMs:0} ms, ready {s.ReadyMs:0} ms, first 200 {s.FirstMs:0} ms" +
                    $"{(s.FirstInferenceMs is { } inf ? $" (whisper {inf:0} ms)" : "")}, warm {s.WarmMs:0} ms, peak RSS {s.PeakRssKiB / 1024} MiB");
            }
        }
        var report = Report(samples, sides.Select(s => s.Name).ToList(), size, model, reps, load);
        File.WriteAllText(Arg("--out"), report);
        Console.WriteLine(report);
        return 0;
    }

    private static string Report(List<Sample> samples, List<string> order, string size, string model, int reps, string load)
    {
        string Range(IReadOnlyCollection<double> v) => v.Count == 0 ? "–" : $"{Stats.Median(v):0} ({v.Min():0}–{v.Max():0})";
        var report = new StringBuilder();
        report.AppendLine($"# Cold start benchmark ({size})");
        report.AppendLine();
        report.AppendLine($"Machine: {Environment.ProcessorCount} cores, load average {load} at the start, {ProcStatus.LoadAverage()} at the end. " +
            $"Model: {Path.GetFileName(model)} ({size}'s dimensions); 5 s clip; 1 slot; {reps} starts per side, order rotated. Times in ms from process start, median (min–max).");
        report.AppendLine();
        report.AppendLine("| side | answers HTTP | ready to infer | first 200 | warm request | first − warm | peak RSS (MiB) |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var name in order)
        {
            var g = samples.Where(s => s.Server == name).ToList();
            bool answers = g.All(s => s.FirstMs > 0);
            report.AppendLine($"| {name} | {(answers ? Range(g.Select(s => s.ListeningMs).ToList()) : "–")} | {Range(g.Select(s => s.ReadyMs).ToList())} | " +
                $"{(answers ? Range(g.Select(s => s.FirstMs).ToList()) : "– (no host)")} | {(answers ? $"{Stats.Median(g.Select(s => s.WarmMs).ToList()):0}" : "–")} | " +
                $"{(answers ? Range(g.Select(s => s.FirstMs - s.WarmMs).ToList()) : "–")} | {Stats.Median(g.Select(s => (double)(s.PeakRssKiB ?? 0) / 1024).ToList()):0} |");
        }
        report.AppendLine();
        report.AppendLine("Phases (ms from process start, median), from each process's own start-up timeline:");
        report.AppendLine();
        var withPhases = order.Where(n => samples.Any(s => s.Server == n && s.Phases.Count > 0)).ToList();
        report.AppendLine($"| phase | {string.Join(" | ", withPhases)} |");
        report.AppendLine($"|---|{string.Concat(withPhases.Select(_ => "---|"))}");
        foreach (var phase in PhaseOrder)
        {
            var cells = withPhases.Select(n =>
            {
                var v = samples.Where(s => s.Server == n && s.Phases.ContainsKey(phase)).Select(s => s.Phases[phase]).ToList();
                return v.Count == 0 ? "–" : $"{Stats.Median(v):0}";
            });
            report.AppendLine($"| {phase} | {string.Join(" | ", cells)} |");
        }
        var ours = samples.Where(s => s.Server == order[0]).ToList();
        var peer = samples.Where(s => s.Server == Peer).ToList();
        double oursReady = Stats.Median(ours.Select(s => s.ReadyMs).ToList()), peerReady = Stats.Median(peer.Select(s => s.ReadyMs).ToList());
        double oursFirst = Stats.Median(ours.Select(s => s.FirstMs).ToList()), peerFirst = Stats.Median(peer.Select(s => s.FirstMs).ToList());
        var pairwise = ours.Zip(peer, (o, p) => o.FirstMs / p.FirstMs).ToList();
        report.AppendLine();
        report.AppendLine($"Start-up overhead (ready to infer), ours − whisper-server: **{oursReady - peerReady:0} ms** (target ≤ 300). " +
            $"Time to first answer, ours / whisper-server: **{oursFirst / peerFirst:0.000}** (pairwise {pairwise.Min():0.000}–{pairwise.Max():0.000}; target ≤ 1.0).");
        report.AppendLine();
        report.AppendLine($"<!-- summary: size={size} ready_gap_ms={oursReady - peerReady:0} first_ratio={oursFirst / peerFirst:0.000} " +
            $"ours_rss_mib={Stats.Median(ours.Select(s => (double)(s.PeakRssKiB ?? 0) / 1024).ToList()):0} peer_rss_mib={Stats.Median(peer.Select(s => (double)(s.PeakRssKiB ?? 0) / 1024).ToList()):0} -->");
        return report.ToString();
    }

    private static ProcessStartInfo OursStart(string dll, string nativeDir, string model, string work)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Whisper__ModelPath"] = model;
        start.Environment["Whisper__NativeDirectory"] = nativeDir;
        start.Environment["Whisper__Slots"] = "1";
        start.Environment["Usage__LocalDirectory"] = Path.Combine(work, "coldstart-usage");
        return start;
    }

    private static async Task<Sample> OursAsync(string name, string dll, string nativeDir, string model, byte[] clip, string work)
    {
        int port = BenchArgs.FreePort();
        var start = OursStart(dll, nativeDir, model, work);
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        return await MeasureAsync(name, start, port, "health", "v1/audio/transcriptions", clip, work).ConfigureAwait(false);
    }

    private static async Task<Sample> PeerAsync(string nativeDir, string model, byte[] clip, string work)
    {
        int port = BenchArgs.FreePort();
        var start = new ProcessStartInfo(Path.Combine(nativeDir, "whisper-server")) { WorkingDirectory = nativeDir };
        foreach (var argument in WhisperServerProcess.Arguments(model, Math.Max(1, Environment.ProcessorCount / 2), port))
        {
            start.ArgumentList.Add(argument);
        }
        return await MeasureAsync(Peer, start, port, "", "inference", clip, work).ConfigureAwait(false);
    }

    /// <summary>
    /// The Functions worker as its host starts it: <c>dotnet SpeechToText.Functions.dll</c> in the app folder with the
    /// host's arguments (gRPC address, worker and request ids) and environment. The "host" here is a socket that accepts
    /// and never answers, so the worker builds its host, loads the model and makes its states while it waits for the
    /// gRPC handshake; the phases come from the lines it prints.
    /// </summary>
    private static async Task<Sample> WorkerAsync(string dll, string nativeDir, string model, string work)
    {
        using var fakeHost = new TcpListener(IPAddress.Loopback, 0);
        fakeHost.Start();
        var held = new ConcurrentBag<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await fakeHost.AcceptSocketAsync().ConfigureAwait(false));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        });
        int port = ((IPEndPoint)fakeHost.LocalEndpoint).Port;
        var start = OursStart(dll, nativeDir, model, work);
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["AzureWebJobsScriptRoot"] = Path.GetDirectoryName(dll)!;
        var id = Guid.NewGuid().ToString();
        foreach (var a in new[] { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--workerId", id, "--requestId", id,
                     "--grpcMaxMessageLength", "2147483647", "--functions-uri", $"http://127.0.0.1:{port}/", "--functions-worker-id", id,
                     "--functions-request-id", id, "--functions-grpc-max-message-length", "2147483647" })
        {
            start.ArgumentList.Add(a);
        }
        var phases = new ConcurrentDictionary<string, double>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var child = ChildProcess.Start(start, Path.Combine(work, "coldstart-functions-worker.log"), line =>
        {
            var m = PhaseLine().Match(line);
            if (m.Success)
            {
                phases[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                if (m.Groups[1].Value == "states-ready")
                {
                    ready.TrySetResult();
                }
            }
        }))
        {
            var done = await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromMinutes(2))).ConfigureAwait(false);
            if (done != ready.Task)
            {
                throw new TimeoutException($"the Functions worker did not report states-ready within 2 minutes (exited: {child.HasExited})");
            }
            var rss = ProcStatus.PeakRssKiB(child.Pid);
            fakeHost.Stop();
            foreach (var socket in held)
            {
                socket.Dispose();
            }
            await accepting.ConfigureAwait(false);
            return new Sample("Functions worker (ReadyToRun)", 0, phases["states-ready"], 0, null, 0, rss, phases);
        }
    }

    [GeneratedRegex(@"Startup: ([a-z-]+) at (\d+) ms")]
    private static partial Regex PhaseLine();

    /// <summary>
    /// Polls <paramref name="probe"/> (a cheap GET) until the process answers HTTP at all, then posts the clip until
    /// it gets a 200: a client that waits for the port, as a load balancer's health check would.
    /// </summary>
    private static async Task<Sample> MeasureAsync(string name, ProcessStartInfo start, int port, string probe, string path, byte[] clip, string work)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(10) };
        var clock = Stopwatch.StartNew();
        var safeName = Regex.Replace(name, "[^a-zA-Z0-9-]+", "-");
        await using var child = ChildProcess.Start(start, Path.Combine(work, $"coldstart-{safeName}.log"));
        double? listening = null;
        while (true)
        {
            if (child.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {child.ExitCode} before its first answer");
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{name} gave no 200 within 10 minutes");
            }
            try
            {
                if (listening is null)
                {
                    using var probed = await http.GetAsync(probe).ConfigureAwait(false);
                    listening = clock.Elapsed.TotalMilliseconds;
                }
                using var response = await PostAsync(http, path, clip).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    double first = clock.Elapsed.TotalMilliseconds;
                    double? inference = Inference(response);
                    var warm = Stopwatch.StartNew();
                    using (var again = await PostAsync(http, path, clip).ConfigureAwait(false))
                    {
                        again.EnsureSuccessStatusCode();
                    }
                    double warmMs = warm.Elapsed.TotalMilliseconds;
                    var phases = name == Peer ? new Dictionary<string, double>() : await PhasesAsync(http).ConfigureAwait(false);
                    // whisper-server listens only once its model and state are loaded: that is its "ready".
                    double ready = phases.TryGetValue("states-ready", out var r) ? r : listening.Value;
                    return new Sample(name, listening.Value, ready, first, inference, warmMs, ProcStatus.PeakRssKiB(child.Pid), phases);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Our server's start-up timeline (ms since its process started), from /health's startup_ms.</summary>
    private static async Task<Dictionary<string, double>> PhasesAsync(HttpClient http)
    {
        using var health = JsonDocument.Parse(await http.GetStringAsync("health").ConfigureAwait(false));
        return health.RootElement.TryGetProperty("startup_ms", out var phases)
            ? phases.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())
            : [];
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, byte[] clip)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(clip), "file", "clip.wav" },
            { new StringContent("whisper-1"), "model" },
            { new StringContent("json"), "response_format" },
        };
        return http.PostAsync(path, form);
    }

    /// <summary>whisper_full's time from our Server-Timing header ("vad;dur=…, whisper;dur=…"), when the server sends one.</summary>
    private static double? Inference(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Server-Timing", out var values))
        {
            return null;
        }
        foreach (var part in string.Join(",", values).Split(','))
        {
            var p = part.Trim();
            if (p.StartsWith("whisper;dur=", StringComparison.Ordinal)
                && double.TryParse(p["whisper;dur=".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                return ms;
            }
        }
        return null;
    }
}
