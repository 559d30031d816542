using System.Diagnostics;
using System.Globalization;
using SpeechToText.Bench;

// End-to-end latency of the service against whisper-cli on the same model, audio and decoding
// parameters. See bench/run.sh; the report goes to --out and to stdout. With "pipeline" first: the
// blob pipeline benchmark (bench/pipeline.sh); with "load" first: the load benchmark (bench/load.sh).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.FirstOrDefault() == "pipeline")
{
    // The blob pipeline's overhead and worker scaling (bench/pipeline.sh).
    return await SpeechToText.Bench.Pipeline.PipelineBench.RunAsync(args[1..]);
}
if (args.FirstOrDefault() == "coldstart")
{
    // Process start to first answer, ours against whisper-server (bench/coldstart.sh).
    return await SpeechToText.Bench.ColdStart.ColdStartBench.RunAsync(args[1..]);
}
if (args.FirstOrDefault() == "realtime")
{
    // Live transcription sessions against the file endpoint, server VAD latency, concurrent sessions (bench/realtime.sh).
    return await SpeechToText.Bench.Realtime.RealtimeBench.RunAsync(args[1..]);
}
if (args.FirstOrDefault() == "summary")
{
    // The summary tables of bench/all.sh's report, from the other modes' .json files.
    return SpeechToText.Bench.Summary.Run(args[1..]);
}
if (args.FirstOrDefault() == "load")
{
    // Concurrent clients against our server and whisper-server (bench/load.sh).
    return await SpeechToText.Bench.Load.LoadBench.RunAsync(args[1..]);
}
var o = BenchOptions.Parse(args);
Directory.CreateDirectory(o.WorkDir);
var total = Stopwatch.StartNew();
var report = new Report(o, ProcStatus.LoadAverage());
var cli = new WhisperCli(o.NativeDir, o.Model, o.Threads, o.WorkDir);
var inputs = new Dictionary<string, (byte[] Bytes, string Name, string Type)>
{
    [o.Wav60] = (File.ReadAllBytes(o.Wav60), Path.GetFileName(o.Wav60), "audio/wav"),
    [o.Mp360] = (File.ReadAllBytes(o.Mp360), Path.GetFileName(o.Mp360), "audio/mpeg"),
    [o.Wav5] = (File.ReadAllBytes(o.Wav5), Path.GetFileName(o.Wav5), "audio/wav"),
    [o.Mp35] = (File.ReadAllBytes(o.Mp35), Path.GetFileName(o.Mp35), "audio/mpeg"),
};

void Say(string message) => Console.Error.WriteLine($"[bench {total.Elapsed:mm\\:ss}] {message}");

async Task<ServerSample> Ours(ServerProcess server, string path)
{
    var (bytes, name, type) = inputs[path];
    var s = await server.TranscribeAsync(bytes, name, type);
    Say($"  ours {name}: {s.EndToEndMs:0} ms (whisper_full {s.WhisperMs:0}, vad {s.VadMs:0})");
    return s;
}

async Task<CliSample> Cli(string path, bool vad)
{
    var s = await cli.RunAsync(path, vad ? o.VadModel : null);
    Say($"  cli  {Path.GetFileName(path)}: wall {s.WallMs:0} ms, total {s.TotalMs:0}, load {s.LoadMs:0}");
    return s;
}

Dictionary<string, string> ServerSettings(bool vad) => new()
{
    ["Whisper__ModelPath"] = o.Model,
    ["Whisper__VadModelPath"] = o.VadModel,
    ["Whisper__NativeDirectory"] = o.NativeDir,
    ["Whisper__Slots"] = "1",
    ["Whisper__ThreadsPerSlot"] = o.Threads.ToString(CultureInfo.InvariantCulture),
    // No request-level VAD switch exists: the threshold decides. 100000 s = never.
    ["Whisper__VadMinDurationSeconds"] = vad ? "30" : "100000",
};

// Interleaved, alternating order (ours first on even reps, cli first on odd ones) so drift in the
// machine's load spreads over both sides.
async Task Pair(ServerProcess server, PairResult pair, int rep)
{
    if (rep % 2 == 0)
    {
        pair.Ours.Add(await Ours(server, pair.Path));
        pair.Cli.Add(await Cli(pair.CliPath, pair.Vad));
    }
    else
    {
        pair.Cli.Add(await Cli(pair.CliPath, pair.Vad));
        pair.Ours.Add(await Ours(server, pair.Path));
    }
}

// whisper-cli decodes MP3 with miniaudio, the service with ffmpeg: the PCM differs slightly and a random
// model turns that into other tokens. The "pcm" pair gives whisper-cli the PCM our ffmpeg produces, so
// both sides do the same inference; our side still pays for decoding the MP3 (a stricter comparison).
// With both MP3 pairs selected they share our MP3 request; alone, the pcm pair is interleaved like the others.
async Task<List<PairResult>> Family(ServerProcess server, int seconds, string wavPath, string mp3Path, string? pcmPath, bool vad, int reps)
{
    var selected = new List<PairResult>();
    var audioSeconds = WavInfo.Seconds(wavPath);
    PairResult? Make(string key, string label, string path, string? cliPath = null) =>
        o.Pairs.Contains($"{key}-{seconds}") ? new PairResult($"{seconds} s {label}", path, vad) { Key = $"{key}-{seconds}", CliPath = cliPath ?? path, AudioSeconds = audioSeconds } : null;
    var wav = Make("wav", "WAV", wavPath);
    var mp3 = Make("mp3", "MP3", mp3Path);
    var mp3Pcm = pcmPath is null ? null : Make("mp3pcm", "MP3 (cli on our decoded PCM)", mp3Path, pcmPath);
    foreach (var p in new[] { wav, mp3, mp3Pcm })
    {
        if (p is not null)
        {
            selected.Add(p);
        }
    }
    for (var rep = 0; rep < reps && selected.Count > 0; rep++)
    {
        Say($"{seconds} s inputs, VAD {(vad ? "on" : "off")}, repetition {rep + 1}/{reps}");
        if (wav is not null)
        {
            await Pair(server, wav, rep);
        }
        if (mp3 is not null)
        {
            await Pair(server, mp3, rep);
            if (mp3Pcm is not null)
            {
                mp3Pcm.Ours.Add(mp3.Ours[^1]);
                mp3Pcm.Cli.Add(await Cli(mp3Pcm.CliPath, vad));
            }
        }
        else if (mp3Pcm is not null)
        {
            await Pair(server, mp3Pcm, rep);
        }
    }
    report.Pairs.AddRange(selected);
    return selected;
}

// The ours samples of one input across the pairs that measured it (the pcm pair shares the MP3 pair's).
static List<ServerSample> OursOf(List<PairResult> pairs, string key) =>
    pairs.FirstOrDefault(p => p.Key == key)?.Ours ?? pairs.FirstOrDefault(p => p.Key == key.Replace("mp3", "mp3pcm", StringComparison.Ordinal))?.Ours ?? [];

async Task WarmUp(ServerProcess server, int requests)
{
    Say($"warm-up: {requests} request(s)");
    for (var i = 0; i < requests; i++)
    {
        await Ours(server, i % 2 == 0 ? o.Wav5 : o.Mp35);
    }
}

// Phase 1: VAD off on both sides.
Say("starting the server (VAD off)");
await using (var server = await ServerProcess.StartAsync(o.ServerDll, o.Port, ServerSettings(vad: false),
    Path.Combine(o.WorkDir, "server-novad.log"), TimeSpan.FromMinutes(2)))
{
    await WarmUp(server, o.Warmup);
    if (o.CliWarmup)
    {
        await Cli(o.Wav5, vad: false); // model file into the page cache
    }
    else
    {
        await using var model = File.OpenRead(o.Model); // the same for the page cache, without a whole inference
        await model.CopyToAsync(Stream.Null);
    }

    var sixty = await Family(server, 60, o.Wav60, o.Mp360, o.Mp360Pcm, vad: false, o.Reps);
    var five = await Family(server, 5, o.Wav5, o.Mp35, o.Mp35Pcm, vad: false, o.ShortReps);

    if (o.SmallRequests > 0)
    {
        Say($"small inputs: {o.SmallRequests} requests each");
        var smallWav = new OverheadResult("5 s WAV");
        var smallMp3 = new OverheadResult("5 s MP3");
        for (var i = 0; i < o.SmallRequests; i++)
        {
            smallWav.Samples.Add(await Ours(server, o.Wav5));
            smallMp3.Samples.Add(await Ours(server, o.Mp35));
        }
        report.Overheads.Add(smallWav);
        report.Overheads.Add(smallMp3);
    }
    foreach (var (pairs, key, label) in new[] { (sixty, "wav-60", "60 s WAV"), (sixty, "mp3-60", "60 s MP3"), (five, "wav-5", "5 s WAV, paired"), (five, "mp3-5", "5 s MP3, paired") })
    {
        if (OursOf(pairs, key) is { Count: > 0 } samples)
        {
            report.Overheads.Add(new OverheadResult(label, samples));
        }
    }
    report.ServerPeakKiB["VAD off"] = server.PeakRssKiB();
}

// Phase 2: the engine's default VAD (on above 30 s) against whisper-cli --vad with the same settings.
if (o.VadReps > 0 && o.Pairs.Any(p => p.EndsWith("-60", StringComparison.Ordinal)))
{
    Say("starting the server (VAD on above 30 s, the default)");
    await using var server = await ServerProcess.StartAsync(o.ServerDll, o.Port, ServerSettings(vad: true),
        Path.Combine(o.WorkDir, "server-vad.log"), TimeSpan.FromMinutes(2));
    await WarmUp(server, Math.Min(2, o.Warmup));
    var sixty = await Family(server, 60, o.Wav60, o.Mp360, o.Mp360Pcm, vad: true, o.VadReps);
    foreach (var (key, label) in new[] { ("wav-60", "60 s WAV, VAD on"), ("mp3-60", "60 s MP3, VAD on") })
    {
        if (OursOf(sixty, key) is { Count: > 0 } samples)
        {
            report.Overheads.Add(new OverheadResult(label, samples));
        }
    }
    report.ServerPeakKiB["VAD on"] = server.PeakRssKiB();
}

report.LoadAverageEnd = ProcStatus.LoadAverage();
report.Elapsed = total.Elapsed;
var markdown = report.Render();
File.WriteAllText(o.Output, markdown);
BenchJson.Write(o.Output, report.Json());
Console.WriteLine(markdown);
return 0;
