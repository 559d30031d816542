using SpeechToText.Core.Storage;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Jobs;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: the server is killed (SIGKILL) while whisper is computing a chunk. After a restart the orchestration
/// resumes from its history: the chunks that had finished are not run again, the one cut off runs again once its
/// lock expires, and the transcripts are byte for byte those of an uninterrupted run of the same recording.
/// One chunk in flight on both sides: with more, whether a chunk gets the previous one's text as prompt depends on
/// which finished first, and the two runs could legitimately differ.
/// </summary>
public sealed class WorkerKillTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string Input = "talk.mp3";

    private Dictionary<string, string?> Settings(StorageOptions storage)
    {
        var settings = PipelineServerTests.ServerSettings(storage, TestModels.Test);
        settings["Pipeline__MaxChunksInFlight"] = "1";
        return settings;
    }

    [Fact]
    public async Task Killed_while_a_chunk_is_transcribed_the_restarted_server_finishes_without_redoing_finished_chunks_and_identical_transcripts()
    {
        // The uninterrupted run of the same input goes on beside the interrupted one.
        var reference = UninterruptedAsync();

        var storage = azurite.NewStorage();
        var settings = Settings(storage);
        await PipelineFaults.UploadAsync(storage, Input, JobAudio.TwoMinutes.Value);
        string jobId, beforeKill;
        await using (var first = await ServerProcess.StartAsync(settings))
        {
            jobId = await PipelineFaults.WaitForChunkInFlightAsync(first, Input, TimeSpan.FromMinutes(5));
            first.Kill();
            beforeKill = first.Logs;
        }
        var finished = Enumerable.Range(0, 100).Where(i => PipelineFaults.Finished(beforeKill, jobId, i)).ToList();
        var cutOff = Enumerable.Range(0, 100).Where(i => PipelineFaults.Starts(beforeKill, jobId, i) > 0 && !finished.Contains(i)).ToList();
        output.WriteLine($"killed with chunk(s) {string.Join(",", finished)} done and {string.Join(",", cutOff)} in flight");
        Assert.NotEmpty(finished);
        Assert.Single(cutOff);

        string afterRestart;
        System.Text.Json.JsonElement status;
        await using (var second = await ServerProcess.StartAsync(settings))
        {
            status = await PipelineServerTests.WaitForAsync(second, Input, "completed", TimeSpan.FromMinutes(10));
            await FaultChecks.WaitForIdleEngineAsync(second.Client, TimeSpan.FromSeconds(30));
            afterRestart = second.Logs;
        }
        Assert.Equal(jobId, status.GetProperty("id").GetString());
        int chunks = status.GetProperty("chunks_total").GetInt32();
        Assert.True(chunks > finished.Count + 1, $"{chunks} chunks: the kill must leave some to do");
        for (int i = 0; i < chunks; i++)
        {
            int before = PipelineFaults.Starts(beforeKill, jobId, i), after = PipelineFaults.Starts(afterRestart, jobId, i);
            if (finished.Contains(i))
            {
                Assert.True((before, after) == (1, 0), $"chunk {i} finished before the kill, then ran {after} more time(s)");
            }
            else if (cutOff.Contains(i))
            {
                Assert.True((before, after) == (1, 1), $"chunk {i} was cut off by the kill: started {before} then {after} time(s)");
            }
            else
            {
                Assert.True((before, after) == (0, 1), $"chunk {i} (after the kill) started {before} then {after} time(s)");
            }
        }
        Assert.Equal(1, afterRestart.Split('\n').Count(l => l.Contains($"Job {jobId} completed", StringComparison.Ordinal)));

        var interrupted = await PipelineFaults.AssertEveryChunkOnceAsync(storage, Input, status);
        var uninterrupted = await reference;
        Assert.Equal(uninterrupted.Chunks, interrupted.Chunks);
        Assert.Equal(uninterrupted.Duration, interrupted.Duration);
        Assert.Equal(uninterrupted.Outputs.Keys.Order(), interrupted.Outputs.Keys.Order());
        foreach (var (name, bytes) in uninterrupted.Outputs)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(interrupted.Outputs[name]), $"{name} differs from the uninterrupted run's");
        }
    }

    private async Task<JobOutcome> UninterruptedAsync()
    {
        var storage = azurite.NewStorage();
        await PipelineFaults.UploadAsync(storage, Input, JobAudio.TwoMinutes.Value);
        await using var server = await ServerProcess.StartAsync(Settings(storage));
        var status = await PipelineServerTests.WaitForAsync(server, Input, "completed", TimeSpan.FromMinutes(10));
        return await PipelineFaults.AssertEveryChunkOnceAsync(storage, Input, status);
    }
}
