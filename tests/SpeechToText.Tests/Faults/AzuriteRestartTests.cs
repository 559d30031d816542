using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;
using SpeechToText.Tests.Jobs;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: storage goes away mid-job. Azurite is stopped while a chunk is being transcribed and started again on
/// the same ports with the same data. The server stays up, logs the outage, keeps serving what needs no storage,
/// answers what does with a clear error, and the orchestration completes the job with every chunk in it once.
/// </summary>
public sealed class AzuriteRestartTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Input = "talk.mp3";
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Storage_restarted_mid_job_the_job_completes_and_the_server_keeps_serving()
    {
        var storage = azurite.NewStorage();
        await PipelineFaults.UploadAsync(storage, Input, JobAudio.TwoMinutes.Value);
        await using var server = await ServerProcess.StartAsync(PipelineServerTests.ServerSettings(storage, TestModels.Test));
        var jobId = await PipelineFaults.WaitForChunkInFlightAsync(server, Input, TimeSpan.FromMinutes(5));

        await azurite.StopAsync();
        var outageEnds = DateTime.UtcNow + Outage;
        int logFrom = server.Logs.Length;

        // Requests that need no storage are served as usual.
        using (var health = await server.Client.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        using (var transcribed = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Wav16kMonoS16)))
        {
            await AzureCalls.JsonAsync(transcribed);
        }
        // A job's status needs storage: a clear, retryable error in the envelope, not a crash or a hang.
        using (var status = await server.Client.GetAsync($"v1/transcription-jobs/{jobId}"))
        {
            await AzureCalls.ErrorAsync(status, HttpStatusCode.ServiceUnavailable, null, "storage_unavailable");
            Assert.NotNull(status.Headers.RetryAfter);
        }
        var left = outageEnds - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
        Assert.False(server.HasExited, server.Logs);
        // The blob watcher or the task hub noticed the outage and said so (a warning), and carried on. The storage SDK
        // retries a call for some seconds before it gives up, so the warning may come after the first 15 s: storage
        // stays down until it does.
        var warned = new System.Text.RegularExpressions.Regex(@"warn: (SpeechToText\.Server\.Jobs\.BlobWatcher|DurableTask\.[A-Za-z.]+)\[");
        await FaultChecks.WaitUntilAsync(() => Task.FromResult(warned.IsMatch(server.Logs[logFrom..])), TimeSpan.FromSeconds(60),
            "a warning about the storage outage");
        await azurite.StartAgainAsync();

        var completed = await PipelineServerTests.WaitForAsync(server, Input, "completed", TimeSpan.FromMinutes(10));
        Assert.Equal(jobId, completed.GetProperty("id").GetString());
        await PipelineFaults.AssertEveryChunkOnceAsync(storage, Input, completed);
        await FaultChecks.WaitForIdleEngineAsync(server.Client, TimeSpan.FromSeconds(30));
        Assert.False(server.HasExited);
    }
}
