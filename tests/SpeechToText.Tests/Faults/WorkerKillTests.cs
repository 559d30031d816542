using SpeechToText.Core.Jobs;
using SpeechToText.Tests.Infrastructure;
using SpeechToText.Tests.Jobs;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: the pipeline worker is killed (SIGKILL) while whisper is computing a chunk. The chunk's work item
/// reappears after its visibility timeout, a restarted server completes the job with every chunk's transcript exactly
/// once, over the same chunks as an uninterrupted run. (Jobs/PipelineServerTests kills between chunks.)
/// </summary>
public sealed class WorkerKillTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string Input = "talk.mp3";

    [Fact]
    public async Task Killed_while_a_chunk_is_transcribed_the_restarted_server_completes_the_job_with_every_chunk_once()
    {
        // The uninterrupted run of the same input goes on beside the interrupted one.
        var reference = UninterruptedAsync();

        var storage = azurite.NewStorage();
        var settings = PipelineServerTests.ServerSettings(storage, TestModels.Test);
        await PipelineFaults.UploadAsync(storage, Input, JobAudio.TwoMinutes.Value);
        var manifests = new ManifestStore(AzuriteFixture.Client(storage));
        string jobId;
        await using (var first = await ServerProcess.StartAsync(settings))
        {
            jobId = await PipelineFaults.WaitForChunkInFlightAsync(first, Input, TimeSpan.FromMinutes(5));
            first.Kill();
        }
        var atKill = (await manifests.TryReadAsync(jobId, default))!.Value.Manifest;
        output.WriteLine($"killed with {atKill.ChunksDone} of {atKill.Chunks.Count} chunks done and one in flight");
        Assert.InRange(atKill.ChunksDone, 1, atKill.Chunks.Count - 1);

        await using (var second = await ServerProcess.StartAsync(settings))
        {
            await PipelineServerTests.WaitForAsync(second, Input, "completed", TimeSpan.FromMinutes(10));
            await FaultChecks.WaitForIdleEngineAsync(second.Client, TimeSpan.FromSeconds(30));
        }
        var interrupted = await PipelineFaults.AssertEveryChunkOnceAsync(storage, Input, jobId);
        var uninterrupted = await reference;

        // The same chunks cover the same audio. (Their texts may differ from chunk to chunk: the random-weight test
        // model falls back to sampled temperatures, whose random state depends on what the whisper state decoded before.)
        Assert.Equal(uninterrupted.Chunks, interrupted.Chunks);
        Assert.Equal(uninterrupted.Duration, interrupted.Duration);
    }

    private async Task<JobOutcome> UninterruptedAsync()
    {
        var storage = azurite.NewStorage();
        await PipelineFaults.UploadAsync(storage, Input, JobAudio.TwoMinutes.Value);
        await using var server = await ServerProcess.StartAsync(PipelineServerTests.ServerSettings(storage, TestModels.Test));
        var status = await PipelineServerTests.WaitForAsync(server, Input, "completed", TimeSpan.FromMinutes(10));
        return await PipelineFaults.AssertEveryChunkOnceAsync(storage, Input, status.GetProperty("id").GetString()!);
    }
}
