using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Jobs;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: the Azure OpenAI deployment answers 429 (with the seconds left in Retry-After) for a whole minute, then
/// normally. HTTP callers get our 429 at once or the local fallback; a pipeline job whose chunks go to that
/// deployment waits the window out and completes with every chunk exactly once. (Short throttling, retries within
/// one call and the 429 envelope itself: AzureOpenAI/AzureResilienceTests.)
/// </summary>
public sealed class UpstreamThrottlingTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_deployment_throttled_for_a_minute_gets_prompt_429s_or_fallback_and_its_pipeline_job_completes_after_the_window()
    {
        var storage = azurite.NewStorage();
        var settings = PipelineServerTests.ServerSettings(storage, TestModels.Test);
        // Long enough to honour any Retry-After in the window: an earlier retry would only spend an attempt.
        settings["Pipeline__RetryMaxDelay"] = "00:02:00";
        await using var host = await AzureTestHost.StartAsync(
        [
            new("whisper-azure", "aoai-whisper", FakeDeploymentKind.Whisper),
            new("whisper-azure-fallback", "aoai-whisper", FakeDeploymentKind.Whisper) { Fallbacks = ["whisper-1"] },
        ], settings);
        var blobs = AzuriteFixture.Client(storage);
        await blobs.EnsureCreatedAsync(default);
        var windowEnd = DateTimeOffset.UtcNow + Window;
        host.Fake.Enqueue(FakeResponse.ThrottledUntil(windowEnd).Always());

        await using (var f = File.OpenRead(JobAudio.TwentyMinutes.Value))
        {
            await blobs.Input.GetBlobClient("call.flac").UploadAsync(f, new BlobUploadOptions
            {
                Metadata = new Dictionary<string, string> { ["stt_model"] = "whisper-azure", ["stt_formats"] = "verbose_json,txt" },
            });
        }

        // In the window, an HTTP call is answered at once: our 429 with the upstream's Retry-After, or the fallback's transcript.
        var clock = Stopwatch.StartNew();
        using (var throttled = await AzureCalls.TranscribeAsync(host.Client, "whisper-azure"))
        {
            await AzureCalls.ErrorAsync(throttled, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
            Assert.InRange(throttled.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), Window);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the 429 took {clock.Elapsed}");
        using (var fellBack = await AzureCalls.TranscribeAsync(host.Client, "whisper-azure-fallback"))
        {
            await AzureCalls.JsonAsync(fellBack);
            Assert.Equal("whisper.cpp", AzureCalls.Header(fellBack, "x-stt-backend"));
            Assert.Equal("whisper-azure-fallback", AzureCalls.Header(fellBack, "x-stt-fallback-from"));
        }
        Assert.True(DateTimeOffset.UtcNow < windowEnd, "the HTTP checks must run inside the window");

        var status = await PipelineServerTests.WaitForAsync(host.Server, "call.flac", "completed", Window + TimeSpan.FromMinutes(6));
        var completedAt = DateTimeOffset.UtcNow;
        int chunks = status.GetProperty("chunks_total").GetInt32();
        Assert.True(chunks >= 2, $"{chunks} chunk(s)");
        Assert.True(completedAt >= windowEnd, "the job completed while the deployment was still throttled");

        // Every chunk went through exactly once after the window: distinct chunk bodies, one successful request each.
        var job = host.Fake.Requests.Where(r => r.FileName is not null && r.FileBytes.Length > 1_000_000).ToList();
        var answered = job.Where(r => r.ReceivedAt >= windowEnd).ToList();
        output.WriteLine($"{chunks} chunks; {job.Count - answered.Count} throttled chunk requests in the window, {answered.Count} after it");
        Assert.Equal(chunks, answered.Count);
        Assert.Equal(chunks, answered.Select(r => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(r.FileBytes))).Distinct().Count());
        Assert.True(job.Count - answered.Count <= 2 * chunks, $"{job.Count - answered.Count} requests in the window: retries did not wait for Retry-After");

        // The transcript holds each chunk's text once, in order.
        var text = (await blobs.Output.GetBlobClient("call.flac.txt").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(chunks, text.Split("Hello from aoai-whisper.").Length - 1);
        using var verbose = JsonDocument.Parse((await blobs.Output.GetBlobClient("call.flac.verbose.json").DownloadContentAsync()).Value.Content.ToMemory());
        TranscriptChecks.AssertContiguous(verbose, 2 * chunks);
        // Each chunk went upstream at most Pipeline:MaxAttempts times (5), throttled attempts included.
        var perChunk = job.GroupBy(r => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(r.FileBytes))).Select(g => g.Count()).ToList();
        Assert.All(perChunk, n => Assert.InRange(n, 1, 5));
        Assert.Contains("429", host.Server.Logs, StringComparison.Ordinal);
    }
}

/// <summary>
/// Fault: the Azure OpenAI deployment accepts the request and never answers. The deployment's timeout ends each
/// call with our 504 (or the local fallback's answer), the hung upstream connections are closed, and nothing
/// accumulates over repeated calls. (The 504 envelope alone: AzureOpenAI/AzureResilienceTests.)
/// </summary>
public sealed class UpstreamTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_hanging_deployment_times_out_with_504_or_falls_back_and_leaves_nothing_open()
    {
        await using var host = await AzureTestHost.StartAsync(
        [
            new("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Timeout = Timeout },
            new("gpt-4o-fallback", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Timeout = Timeout, Fallbacks = ["whisper-1"] },
        ]);
        host.Fake.Enqueue(FakeResponse.Hang().Always());
        using (var warm = await AzureCalls.TranscribeAsync(host.Client, "whisper-1"))
        {
            await AzureCalls.JsonAsync(warm);
        }
        long baseline = FaultChecks.RssBytes(host.Server.ProcessId);

        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var timedOut = await AzureCalls.TranscribeAsync(host.Client, "gpt-4o-transcribe"))
            {
                await AzureCalls.ErrorAsync(timedOut, HttpStatusCode.GatewayTimeout, null, "upstream_timeout");
            }
            Assert.InRange(clock.Elapsed, Timeout - TimeSpan.FromMilliseconds(100), Timeout + TimeSpan.FromSeconds(15));

            using var fellBack = await AzureCalls.TranscribeAsync(host.Client, "gpt-4o-fallback");
            await AzureCalls.JsonAsync(fellBack);
            Assert.Equal("whisper.cpp", AzureCalls.Header(fellBack, "x-stt-backend"));
            Assert.Equal("gpt-4o-fallback", AzureCalls.Header(fellBack, "x-stt-fallback-from"));
        }

        // Our side gave up on every hung call: the fake sees no request still open, and the engine is idle.
        await FaultChecks.WaitUntilAsync(() => Task.FromResult(host.Fake.InFlight == 0), TimeSpan.FromSeconds(10), "the hung upstream calls to be closed");
        Assert.Equal((0, 0), await FaultChecks.EngineAsync(host.Client));
        FaultChecks.AssertRssNear(host.Server.ProcessId, baseline, "10 hung upstream calls");
        Assert.False(host.Server.HasExited);
    }
}
