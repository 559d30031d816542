using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SpeechToText.Bench.Realtime;

/// <summary>
/// Live transcription against the real server (bench/realtime.sh): (1) one turn's commit-to-completed time against
/// the same audio posted to the file endpoint, interleaved; (2) with server VAD and audio sent in real time, the time
/// from the end of speech to completed, against silence_duration_ms; (3) how many concurrent real-time sessions
/// stay real-time (every turn completed within 2 s after its silence has ended the turn).
/// </summary>
internal static class RealtimeBench
{
    private const int Rate = 24_000;
    private const int SilenceMs = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var arg = new BenchArgs(args);
        string Arg(string name, string? fallback = null) => arg[name, fallback];
        var serverDll = Arg("--server-dll");
        var work = Arg("--work");
        var turnPcm = ReadPcm(Arg("--turn"));
        var phrasePcm = ReadPcm(Arg("--phrase"));
        int reps = int.Parse(Arg("--reps", "6"), CultureInfo.InvariantCulture);
        int maxSessions = int.Parse(Arg("--max-sessions", "6"), CultureInfo.InvariantCulture);
        var outPath = Arg("--out");
        var total = Stopwatch.StartNew();
        void Say(string m) => Console.Error.WriteLine($"[realtime-bench {total.Elapsed:mm\\:ss}] {m}");
        var load = ProcStatus.LoadAverage();

        int port = BenchArgs.FreePort();
        await using var server = await ServerProcess.StartAsync(serverDll, port, new Dictionary<string, string>
        {
            ["Whisper__ModelPath"] = Arg("--model"),
            ["Whisper__NativeDirectory"] = Arg("--native-dir"),
            ["Usage__LocalDirectory"] = Path.Combine(work, "realtime-usage"),
        }, Path.Combine(work, "realtime-server.log"), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        var ws = new Uri($"ws://127.0.0.1:{port}/v1/realtime?intent=transcription");
        var wav = WavFile(turnPcm);

        // Warm both paths once.
        await FileTurnAsync(server, wav).ConfigureAwait(false);
        await ManualTurnAsync(ws, turnPcm).ConfigureAwait(false);

        var live = new List<double>();
        var file = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            // Alternate which side goes first, so drift in the machine's load falls on both.
            if (r % 2 == 0)
            {
                live.Add(await ManualTurnAsync(ws, turnPcm).ConfigureAwait(false));
                file.Add(await FileTurnAsync(server, wav).ConfigureAwait(false));
            }
            else
            {
                file.Add(await FileTurnAsync(server, wav).ConfigureAwait(false));
                live.Add(await ManualTurnAsync(ws, turnPcm).ConfigureAwait(false));
            }
            Say($"  rep {r + 1}: realtime commit→completed {live[^1]:0} ms, file endpoint {file[^1]:0} ms");
        }
        var pairRatios = live.Zip(file, (a, b) => a / b).ToList();

        Say("server VAD, audio in real time: end of speech → completed");
        var endToCompleted = new List<double>();
        for (int r = 0; r < 3; r++)
        {
            var lags = await RealTimeSessionAsync(ws, phrasePcm, turns: 1).ConfigureAwait(false);
            endToCompleted.Add(lags.Single() + SilenceMs);
            Say($"  {endToCompleted[^1]:0} ms");
        }

        Say("concurrent real-time sessions, 3 turns each");
        var concurrency = new List<(int Sessions, double MaxLagMs, double P50LagMs)>();
        for (int n = 1; n <= maxSessions; n++)
        {
            var all = await Task.WhenAll(Enumerable.Range(0, n).Select(_ => RealTimeSessionAsync(ws, phrasePcm, turns: 3))).ConfigureAwait(false);
            var lags = all.SelectMany(l => l).ToList();
            concurrency.Add((n, lags.Max(), Stats.Median(lags)));
            Say($"  {n} session(s): completed {Stats.Median(lags):0} ms (median), {lags.Max():0} ms (max) after the silence that ended each turn");
            if (lags.Max() > 2000)
            {
                break;
            }
        }

        var report = new StringBuilder();
        report.AppendLine("# Realtime transcription benchmark");
        report.AppendLine();
        report.AppendLine($"Machine: {Environment.ProcessorCount} cores, load average {load} at the start. Model: {Path.GetFileName(Arg("--model"))}; turn {turnPcm.Length / (double)Rate:0.0} s of speech at 24 kHz; {reps} interleaved repetitions.");
        report.AppendLine();
        report.AppendLine("| measure | median | min | max |");
        report.AppendLine("|---|---|---|---|");
        report.AppendLine($"| realtime: commit → completed (ms) | {Stats.Median(live):0} | {live.Min():0} | {live.Max():0} |");
        report.AppendLine($"| file endpoint, same audio as WAV (ms) | {Stats.Median(file):0} | {file.Min():0} | {file.Max():0} |");
        report.AppendLine($"| ratio realtime / file, pairwise | {Stats.Median(pairRatios):0.000} | {pairRatios.Min():0.000} | {pairRatios.Max():0.000} |");
        report.AppendLine($"| server VAD: end of speech → completed (ms; silence_duration_ms {SilenceMs}) | {Stats.Median(endToCompleted):0} | {endToCompleted.Min():0} | {endToCompleted.Max():0} |");
        report.AppendLine();
        report.AppendLine("| concurrent real-time sessions | median lag after the turn's silence (ms) | max lag (ms) | real-time (max ≤ 2000 ms) |");
        report.AppendLine("|---|---|---|---|");
        foreach (var (n, max, p50) in concurrency)
        {
            report.AppendLine($"| {n} | {p50:0} | {max:0} | {(max <= 2000 ? "yes" : "no")} |");
        }
        File.WriteAllText(outPath, report.ToString());
        Console.WriteLine(report);
        return 0;
    }

    private static short[] ReadPcm(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pcm = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, pcm, 0, pcm.Length * 2);
        return pcm;
    }

    private static byte[] WavFile(short[] pcm)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(36 + pcm.Length * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(Rate);
        w.Write(Rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(pcm.Length * 2);
        foreach (var s in pcm)
        {
            w.Write(s);
        }
        w.Flush();
        return ms.ToArray();
    }


    private static async Task<double> FileTurnAsync(ServerProcess server, byte[] wav)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using var form = new MultipartFormDataContent { { new ByteArrayContent(wav), "file", "turn.wav" }, { new StringContent("whisper-1"), "model" } };
        var sw = Stopwatch.StartNew();
        using var response = await http.PostAsync("v1/audio/transcriptions", form).ConfigureAwait(false);
        await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri url, bool serverVad)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None).ConfigureAwait(false);
        var turn = serverVad ? $$"""{"type":"server_vad","silence_duration_ms":{{SilenceMs}}}""" : "null";
        await SendAsync(socket, "{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"turn_detection\":" + turn + "}}}}").ConfigureAwait(false);
        while (Type(await ReceiveAsync(socket).ConfigureAwait(false)) != "session.updated")
        {
        }
        return socket;
    }

    /// <summary>Appends the whole turn at once, commits, and times the commit to completed.</summary>
    private static async Task<double> ManualTurnAsync(Uri url, short[] pcm)
    {
        using var socket = await ConnectAsync(url, serverVad: false).ConfigureAwait(false);
        foreach (var chunk in Chunks(pcm, 100))
        {
            await SendAsync(socket, Append(chunk)).ConfigureAwait(false);
        }
        var sw = Stopwatch.StartNew();
        await SendAsync(socket, """{"type":"input_audio_buffer.commit"}""").ConfigureAwait(false);
        while (Type(await ReceiveAsync(socket).ConfigureAwait(false)) != "conversation.item.input_audio_transcription.completed")
        {
        }
        var elapsed = sw.Elapsed.TotalMilliseconds;
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).ConfigureAwait(false);
        return elapsed;
    }

    /// <summary>
    /// Streams <paramref name="turns"/> × (speech, 1.5 s of silence) in real time with server VAD; per turn, the time from
    /// the end of the silence that ends it (speech end + silence_duration_ms) to its completed event.
    /// </summary>
    private static async Task<List<double>> RealTimeSessionAsync(Uri url, short[] phrase, int turns)
    {
        using var socket = await ConnectAsync(url, serverVad: true).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var speechEnds = new List<double>();
        var completedAt = new List<double>();
        var reader = Task.Run(async () =>
        {
            while (completedAt.Count < turns)
            {
                var e = await ReceiveAsync(socket).ConfigureAwait(false);
                if (Type(e) == "conversation.item.input_audio_transcription.completed")
                {
                    completedAt.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        });
        var silence = new short[(int)(1.5 * Rate)];
        double sent = 0;
        for (int t = 0; t < turns; t++)
        {
            foreach (var (part, isSpeech) in new[] { (phrase, true), (silence, false) })
            {
                foreach (var chunk in Chunks(part, 100))
                {
                    await SendAsync(socket, Append(chunk)).ConfigureAwait(false);
                    sent += chunk.Length * 1000.0 / Rate;
                    var ahead = sent - clock.Elapsed.TotalMilliseconds;
                    if (ahead > 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(ahead)).ConfigureAwait(false);
                    }
                }
                if (isSpeech)
                {
                    speechEnds.Add(sent);
                }
            }
        }
        await reader.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).ConfigureAwait(false);
        return completedAt.Zip(speechEnds, (done, end) => done - (end + SilenceMs)).ToList();
    }

    private static IEnumerable<short[]> Chunks(short[] pcm, int ms)
    {
        int step = Rate * ms / 1000;
        for (int i = 0; i < pcm.Length; i += step)
        {
            yield return pcm.AsSpan(i, Math.Min(step, pcm.Length - i)).ToArray();
        }
    }

    private static string Append(short[] chunk)
    {
        var bytes = new byte[chunk.Length * 2];
        Buffer.BlockCopy(chunk, 0, bytes, 0, bytes.Length);
        return $$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(bytes)}}"}""";
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("closed by the server");
            }
            message.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
            {
                using var doc = JsonDocument.Parse(message.ToArray());
                return doc.RootElement.Clone();
            }
        }
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;
}
