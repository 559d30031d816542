using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using SpeechToText.Bench.Load;

namespace SpeechToText.Bench.ColdStart;

/// <summary>
/// Cold start (bench/coldstart.sh): from process start to the first 200 for a 5 s clip, our server (Release build)
/// against whisper.cpp's whisper-server on the same model, interleaved. Per start: when the process first answered
/// HTTP at all (listening), when the first transcription came back, its inference time (our Server-Timing), a warm
/// second request, and the peak RSS after it. Start-up overhead = first answer − warm answer.
/// </summary>
internal static class ColdStartBench
{
    private sealed record Sample(string Server, double ListeningMs, double FirstMs, double? FirstInferenceMs, double WarmMs, long? PeakRssKiB);

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var arg = new BenchArgs(args);
        string Arg(string name, string? fallback = null) => arg[name, fallback];
        var serverDll = Arg("--server-dll");
        var nativeDir = Arg("--native-dir");
        var model = Arg("--model");
        var clip = File.ReadAllBytes(Arg("--clip"));
        var work = Arg("--work");
        int reps = int.Parse(Arg("--reps", "5"), CultureInfo.InvariantCulture);
        var load = ProcStatus.LoadAverage();
        var samples = new List<Sample>();
        for (int r = 0; r < reps; r++)
        {
            foreach (var ours in r % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var s = ours ? await OursAsync(serverDll, nativeDir, model, clip, work).ConfigureAwait(false)
                    : await PeerAsync(nativeDir, model, clip, work).ConfigureAwait(false);
                samples.Add(s);
                Console.Error.WriteLine($"[coldstart] rep {r + 1} {s.Server}: listening {s.ListeningMs:0} ms, first 200 {s.FirstMs:0} ms" +
                    $"{(s.FirstInferenceMs is { } inf ? $" (whisper {inf:0} ms)" : "")}, warm {s.WarmMs:0} ms, peak RSS {s.PeakRssKiB / 1024} MiB");
            }
        }
        var report = new StringBuilder();
        var header = ModelHeader.Read(model);
        report.AppendLine($"# Cold start benchmark, {header.Type} model");
        report.AppendLine();
        report.AppendLine($"Model size: **{header.Type}**: {header.Describe()}.");
        report.AppendLine();
        report.AppendLine($"Machine: {Environment.ProcessorCount} cores, load average {load} at the start. Model: {Path.GetFileName(model)}; 5 s clip; 1 slot; {reps} interleaved starts per server.");
        report.AppendLine();
        report.AppendLine("| server | listening (ms) | first 200 (ms) | warm request (ms) | start-up overhead = first − warm (ms) | peak RSS (MiB) |");
        report.AppendLine("|---|---|---|---|---|---|");
        foreach (var group in samples.GroupBy(s => s.Server))
        {
            var l = group.Select(s => s.ListeningMs).ToList();
            var f = group.Select(s => s.FirstMs).ToList();
            var w = group.Select(s => s.WarmMs).ToList();
            var o = group.Select(s => s.FirstMs - s.WarmMs).ToList();
            var rss = group.Select(s => (double)(s.PeakRssKiB ?? 0) / 1024).ToList();
            report.AppendLine($"| {group.Key} | {Stats.Median(l):0} ({l.Min():0}–{l.Max():0}) | {Stats.Median(f):0} ({f.Min():0}–{f.Max():0}) | {Stats.Median(w):0} | {Stats.Median(o):0} ({o.Min():0}–{o.Max():0}) | {Stats.Median(rss):0} |");
        }
        var oursFirst = samples.Where(s => s.Server == "ours").Select(s => s.FirstMs).ToList();
        var peerFirst = samples.Where(s => s.Server == "whisper-server").Select(s => s.FirstMs).ToList();
        report.AppendLine();
        report.AppendLine($"Time to first answer, ours / whisper-server (medians): **{Stats.Median(oursFirst) / Stats.Median(peerFirst):0.000}**.");
        File.WriteAllText(Arg("--out"), report.ToString());
        BenchJson.Write(Arg("--out"), Json(samples, header, model, reps, load));
        Console.WriteLine(report);
        return 0;
    }


    /// <summary>coldstart.json next to the report, for bench/all.sh: medians and spreads per server, and ours / theirs per start pair.</summary>
    private static object Json(List<Sample> samples, ModelHeader header, string model, int reps, string load)
    {
        Spread Of(string server, Func<Sample, double> pick) => Spread.Of(samples.Where(s => s.Server == server).Select(pick).ToList());
        var ours = samples.Where(s => s.Server == "ours").ToList();
        var peer = samples.Where(s => s.Server == "whisper-server").ToList();
        return new
        {
            Bench = "coldstart",
            Model = model,
            ModelType = header.Type,
            header.Synthetic,
            Reps = reps,
            LoadAverageStart = load,
            LoadAverageEnd = ProcStatus.LoadAverage(),
            Servers = new[] { "ours", "whisper-server" }.ToDictionary(server => server, server => new
            {
                ListeningMs = Of(server, s => s.ListeningMs),
                FirstMs = Of(server, s => s.FirstMs),
                WarmMs = Of(server, s => s.WarmMs),
                StartupOverheadMs = Of(server, s => s.FirstMs - s.WarmMs),
                PeakRssMib = Of(server, s => (s.PeakRssKiB ?? 0) / 1024.0),
            }),
            FirstRatioOfMedians = BenchJson.Num(Stats.Median(ours.Select(s => s.FirstMs).ToList()) / Stats.Median(peer.Select(s => s.FirstMs).ToList())),
            // Start r of ours against start r of whisper-server (they ran back to back).
            FirstPairwise = Spread.Of(ours.Zip(peer).Select(p => p.First.FirstMs / p.Second.FirstMs).ToList()),
        };
    }

    private static async Task<Sample> OursAsync(string serverDll, string nativeDir, string model, byte[] clip, string work)
    {
        int port = BenchArgs.FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(serverDll)! };
        start.ArgumentList.Add(serverDll);
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Whisper__ModelPath"] = model;
        start.Environment["Whisper__NativeDirectory"] = nativeDir;
        start.Environment["Whisper__Slots"] = "1";
        start.Environment["Usage__LocalDirectory"] = Path.Combine(work, "coldstart-usage");
        return await MeasureAsync("ours", start, port, "health", "v1/audio/transcriptions", clip, work).ConfigureAwait(false);
    }

    private static async Task<Sample> PeerAsync(string nativeDir, string model, byte[] clip, string work)
    {
        int port = BenchArgs.FreePort();
        var start = new ProcessStartInfo(Path.Combine(nativeDir, "whisper-server")) { WorkingDirectory = nativeDir };
        foreach (var argument in WhisperServerProcess.Arguments(model, Math.Max(1, Environment.ProcessorCount / 2), port))
        {
            start.ArgumentList.Add(argument);
        }
        return await MeasureAsync("whisper-server", start, port, "", "inference", clip, work).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> (a cheap GET) until the process answers HTTP at all, then posts the clip until
    /// it gets a 200: a client that waits for the port, as a load balancer's health check would.
    /// </summary>
    private static async Task<Sample> MeasureAsync(string name, ProcessStartInfo start, int port, string probe, string path, byte[] clip, string work)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
        var clock = Stopwatch.StartNew();
        await using var child = ChildProcess.Start(start, Path.Combine(work, $"coldstart-{name}.log"));
        double? listening = null;
        while (true)
        {
            if (child.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {child.ExitCode} before its first answer");
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"{name} gave no 200 within 5 minutes");
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
                    return new Sample(name, listening.Value, first, inference, warm.Elapsed.TotalMilliseconds, ProcStatus.PeakRssKiB(child.Pid));
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
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
