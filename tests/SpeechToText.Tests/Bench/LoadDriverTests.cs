extern alias bench;
using System.Net;
using bench::SpeechToText.Bench.Load;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Http;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Bench;

/// <summary>The load bench's client (bench/load.sh): how it classifies what servers answer, and how it backs off.</summary>
[Collection(EngineLimitsCollection.Name)]
public sealed class LoadDriverTests
{
    private static readonly Outcome[] Script = [Outcome.Ok, Outcome.Busy, Outcome.Error, Outcome.Error, Outcome.Error];

    /// <summary>A loopback server answering request n with script entry n mod 5: 200, 429, 500, 200 that is no transcript, dropped.</summary>
    private static async Task<WebApplication> StartScriptedServerAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var count = -1;
        app.Run(async context =>
        {
            switch (Interlocked.Increment(ref count) % Script.Length)
            {
                case 0:
                    await context.Response.WriteAsJsonAsync(new { text = "hello" });
                    break;
                case 1:
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = "1";
                    break;
                case 2:
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("""{"error":{"message":"boom"}}""");
                    break;
                case 3:
                    await context.Response.WriteAsync("<html>not a transcript</html>");
                    break;
                default:
                    context.Abort();
                    break;
            }
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Every_answer_is_classified_and_a_429_waits_for_its_Retry_After()
    {
        await using var app = await StartScriptedServerAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var http = new HttpClient();
        var target = LoadTarget.Ours(address, Environment.ProcessId);
        var driver = new LoadDriver(http, target, File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16), "clip.wav", TimeSpan.FromSeconds(30));

        // One client: requests are sequential, so the n-th sample met the n-th script entry.
        var result = await driver.RunAsync(clients: 1, TimeSpan.FromSeconds(3), "scripted", clipSeconds: 2);

        Assert.True(result.Samples.Count >= Script.Length, $"only {result.Samples.Count} requests in 3 s");
        for (var i = 0; i < result.Samples.Count; i++)
        {
            Assert.Equal(Script[i % Script.Length], result.Samples[i].Outcome);
        }
        Assert.Equal(["HTTP 500", "200 without a transcript"], result.Samples.Skip(2).Take(2).Select(s => s.Detail));
        Assert.StartsWith("connection:", result.Samples[4].Detail);
        // Retry-After: 1 was honoured before the next request.
        Assert.True(result.Samples[2].StartSeconds - result.Samples[1].EndSeconds >= 0.95,
            $"the client came back {result.Samples[2].StartSeconds - result.Samples[1].EndSeconds:0.000} s after a 429 with Retry-After: 1");
        Assert.Equal(result.Samples.Count(s => s.Outcome == Outcome.Ok), result.Ok);
        Assert.Equal(result.Samples.Count(s => s.Outcome == Outcome.Busy), result.Busy);
        Assert.Equal(result.Samples.Count(s => s.Outcome == Outcome.Error), result.Errors);
        Assert.NotEmpty(result.Rss);
    }

    [Fact]
    public async Task Overloading_the_real_server_gives_429s_with_Retry_After_and_no_other_errors()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Whisper__Slots"] = "1",
            ["Whisper__ThreadsPerSlot"] = "1",
            ["Whisper__QueueCapacity"] = "0",
        });
        using var http = new HttpClient();
        var target = LoadTarget.Ours(server.BaseUrl, server.ProcessId);
        var driver = new LoadDriver(http, target, File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16), "clip.wav", TimeSpan.FromMinutes(2));
        await driver.WarmUpAsync();

        // Three clients, one slot, no queue: whoever finds the slot taken is told to come back.
        var result = await driver.RunAsync(clients: 3, TimeSpan.FromSeconds(8), "1×1, queue 0", AudioSamples.Shared.SpeechSeconds);

        Assert.Equal(0, result.Errors);
        Assert.True(result.Ok > 0, "no request succeeded");
        Assert.True(result.Busy > 0, "three clients on one slot without a queue were never told 429");
        // Our server's Retry-After is at least 1 s; only each client's last pause may be cut short by the window's end.
        Assert.True(result.BackoffSeconds >= result.Busy - 3 - 0.01, $"{result.Busy} 429s but only {result.BackoffSeconds:0.00} s of backoff");
        Assert.All(result.Samples.Where(s => s.Outcome == Outcome.Ok), s => Assert.True(s.WhisperMs > 0));
        Assert.True(result.Throughput > 0);
        Assert.True(result.PeakRssKiB > 0);
    }
}
