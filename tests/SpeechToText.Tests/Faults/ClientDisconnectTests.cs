using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: the client goes away, mid-upload (raw socket: headers and half the body, then close or reset) or
/// mid-stream (first SSE event read, then close), again and again. Each time the spilled upload must be
/// deleted, the engine slot freed quickly, and over many repetitions the server's memory and temp folder stay flat.
/// </summary>
public sealed class ClientDisconnectTests(ITestOutputHelper output)
{
    private const int Repetitions = 20;

    /// <summary>Fewer than uploads: each costs a decoder window of compute (seconds, a minute on a loaded machine) before the client can leave.</summary>
    private const int StreamRepetitions = 6;

    private static Task<ServerProcess> StartAsync(string uploads) => ServerProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Whisper__ModelPath"] = TestModels.Test,
        ["Whisper__Slots"] = "1",
        ["Audio__TempDirectory"] = uploads,
        // Anything over 64 KiB spills to a temp file.
        ["Api__MemoryThresholdBytes"] = "65536",
    });

    [Fact]
    public async Task Leaving_mid_upload_deletes_the_spilled_file_and_takes_no_slot_every_time()
    {
        var uploads = FaultChecks.NewTempDirectory("uploads");
        try
        {
            await using var server = await StartAsync(uploads);
            var body = MultipartBody(File.ReadAllBytes(AudioSamples.Shared.Speech60sWav16kMono), out var contentType);
            await AssertTranscribesAsync(server);
            long baseline = FaultChecks.RssBytes(server.ProcessId);

            for (int i = 0; i < Repetitions; i++)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, server.BaseUrl.Port);
                var head = $"POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n";
                await socket.SendAsync(Encoding.ASCII.GetBytes(head));
                await socket.SendAsync(body.AsMemory(0, body.Length / 2));
                // The server has started spilling this upload before the client leaves.
                await FaultChecks.WaitUntilAsync(() => Task.FromResult(FaultChecks.FilesIn(uploads).Length == 1), TimeSpan.FromSeconds(20),
                    "the upload to spill to a temp file");
                if (i % 2 == 1)
                {
                    socket.LingerState = new LingerOption(true, 0); // a reset instead of an orderly close
                }
                socket.Close();
                await FaultChecks.WaitUntilAsync(() => Task.FromResult(FaultChecks.FilesIn(uploads).Length == 0), TimeSpan.FromSeconds(20),
                    $"the spilled upload of attempt {i + 1} to be deleted");
                Assert.Equal((0, 0), await FaultChecks.EngineAsync(server.Client));
            }

            FaultChecks.AssertRssNear(server.ProcessId, baseline, $"{Repetitions} abandoned uploads");
            await AssertTranscribesAsync(server);
            await FaultChecks.AssertNoFilesLeftAsync(uploads);
            Assert.False(server.HasExited);
        }
        finally
        {
            Directory.Delete(uploads, recursive: true);
        }
    }

    [Fact]
    public async Task Leaving_mid_stream_aborts_the_engine_run_long_before_it_would_end_every_time()
    {
        var uploads = FaultChecks.NewTempDirectory("uploads");
        try
        {
            await using var server = await StartAsync(uploads);
            // Three minutes of speech, six decoder windows: the first delta comes once the first window is decoded,
            // so a run that went on after the client left would hold the slot for five more windows. A fixed
            // temperature turns off whisper's temperature fallback, which makes each window of the random-weight
            // model several times dearer.
            var audio = EngineLimitsTests.LongSpeech.Value;
            // A disposed, unfinished response must close its connection at once: by default SocketsHttpHandler first
            // drains it for up to 2 s to reuse the connection, and the server would only see the client leave then.
            using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero })
            {
                BaseAddress = server.BaseUrl,
                Timeout = server.Client.Timeout,
            };
            long baseline = 0;
            for (int i = 0; i < StreamRepetitions; i++)
            {
                if (i == 1)
                {
                    // After the first long run: its buffers (decoded audio, mel, the state's scratch) are the working set.
                    baseline = FaultChecks.RssBytes(server.ProcessId);
                }
                var started = Stopwatch.StartNew();
                var response = await StreamAsync(client, audio);
                var first = await ReadFirstEventAsync(await response.Content.ReadAsStreamAsync());
                var firstEvent = started.Elapsed;
                Assert.Contains("\"transcript.text.delta\"", first, StringComparison.Ordinal);
                // Closing a response mid-body closes its connection: the server sees the client leave.
                response.Dispose();
                var left = Stopwatch.StartNew();
                await FaultChecks.WaitForIdleEngineAsync(server.Client, TimeSpan.FromSeconds(60));
                output.WriteLine($"attempt {i + 1}: first event after {firstEvent.TotalMilliseconds:0} ms, slot free {left.ElapsedMilliseconds} ms after the client left");
                // Whisper's abort callback is polled between decoder steps: the slot is free well within one window's compute.
                Assert.True(left.Elapsed < firstEvent, $"attempt {i + 1}: slot freed {left.Elapsed} after the client left; one window took {firstEvent}");
            }

            FaultChecks.AssertRssNear(server.ProcessId, baseline, $"{StreamRepetitions - 1} more abandoned streams");
            using (var next = await StreamAsync(server.Client, File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16)))
            {
                Assert.EndsWith("data: [DONE]\n\n", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            await FaultChecks.AssertNoFilesLeftAsync(uploads);
            Assert.Contains("Client disconnected", server.Logs, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(uploads, recursive: true);
        }
    }

    private static async Task AssertTranscribesAsync(ServerProcess server)
    {
        using var response = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Wav16kMonoS16));
        Assert.True((await AzureCalls.JsonAsync(response)).GetProperty("text").GetString() is not null);
    }

    private static async Task<HttpResponseMessage> StreamAsync(HttpClient client, byte[] audio)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions")
        {
            Content = Multipart.Form(audio, "speech.wav", "whisper-1", ("stream", "true"), ("temperature", "0.5")),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<string> ReadFirstEventAsync(Stream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains("\n\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(n > 0, $"the stream ended before its first event: {text}");
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    /// <summary>A whole multipart body (model field, then the file) as bytes, for sending by hand.</summary>
    private static byte[] MultipartBody(byte[] audio, out string contentType)
    {
        using var form = Multipart.Form(audio, "speech.wav");
        contentType = form.Headers.ContentType!.ToString();
        return form.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }
}
