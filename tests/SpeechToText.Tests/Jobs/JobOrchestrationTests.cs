using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Observability;

namespace SpeechToText.Tests.Jobs;

/// <summary>
/// The orchestration in-process on the local task hub against real Azurite, with the real engine and ffmpeg:
/// one instance per blob version, batches, the failure path, retries, idempotent activities, metering and purge.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobOrchestrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_recording_is_one_orchestration_in_batches_a_duplicate_event_is_a_no_op_and_a_reupload_a_new_job()
    {
        using var telemetry = new TelemetryCapture();
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage(), new Dictionary<string, string?> { ["Pipeline:ChunksPerBatch"] = "2" });
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value);

        var first = await h.Scheduler.ScheduleAsync(h.Client, "talk.mp3", default);
        var again = await h.Scheduler.ScheduleAsync(h.Client, "talk.mp3", default);
        Assert.NotNull(first);
        Assert.Equal(first, again);
        var status = await h.WaitAsync(first!);

        Assert.Equal(JobStates.Completed, status.State);
        Assert.True(status.ChunksTotal >= 4, $"expected several 30 s chunks, got {status.ChunksTotal}");
        Assert.Equal(status.ChunksTotal, status.ChunksDone);
        Assert.Equal(5, status.Outputs.Count);
        // Batches of two chunks: one sub-orchestration per batch, each completed, none more.
        int batches = (status.ChunksTotal + 1) / 2;
        for (int b = 0; b < batches; b++)
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await h.Client.GetInstanceAsync(JobIds.Batch(first!, b)))!.RuntimeStatus);
        }
        Assert.Null(await h.Client.GetInstanceAsync(JobIds.Batch(first!, batches)));
        // One plan, each chunk transcribed once, one stitch.
        Assert.Equal(1, h.Logs.Count($"Planning job {first}"));
        for (int i = 0; i < status.ChunksTotal; i++)
        {
            Assert.Equal(1, h.Logs.Count($"Job {first}: chunk {i} started"));
        }
        int segments = 0;
        for (int i = 0; i < status.ChunksTotal; i++)
        {
            segments += (await ResultAsync(h, first!, i)).Segments.Count;
        }
        using (var verbose = await h.ReadOutputJsonAsync("talk.mp3.verbose.json"))
        {
            TranscriptChecks.AssertContiguous(verbose, segments);
        }
        // Every step run is timed, and each chunk's audio is counted once.
        var steps = telemetry.Of("stt.pipeline.step.duration");
        Assert.Equal(1, steps.Count(m => m["step"] == "plan"));
        Assert.Equal(status.ChunksTotal, steps.Count(m => m["step"] == "transcribe_chunk"));
        Assert.Equal(1, steps.Count(m => m["step"] == "stitch"));
        Assert.Equal(status.ChunksTotal, telemetry.Of("stt.audio.transcribed").Count);

        // The event once more after the job ended: still nothing new.
        Assert.Equal(first, await h.Scheduler.ScheduleAsync(h.Client, "talk.mp3", default));
        Assert.Equal(1, h.Logs.Count($"Planning job {first}"));
        Assert.Equal(1, await CountJobsAsync(h.Client));

        // A re-upload is a new version, so a new job.
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value);
        var second = await h.RunAsync("talk.mp3");
        Assert.NotEqual(first, second.Id);
        Assert.Equal(JobStates.Completed, second.State);
        Assert.Equal(2, await CountJobsAsync(h.Client));
    }

    [Fact]
    public async Task Unknown_model_fails_at_once_with_the_reason_a_failure_record_and_a_status_document()
    {
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage());
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_model"] = "no-such-model" });
        var status = await h.RunAsync("talk.mp3");

        Assert.Equal(JobStates.Failed, status.State);
        Assert.Contains("no-such-model", status.Error, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await h.Client.GetInstanceAsync(status.Id))!.RuntimeStatus);
        using var document = await h.ReadOutputJsonAsync("talk.mp3.status.json");
        Assert.Equal("failed", document.RootElement.GetProperty("state").GetString());
        Assert.Contains("no-such-model", document.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(await h.Blobs.Jobs.GetBlobClient(JobBlobs.Failure(status.Id)).ExistsAsync());
        Assert.Equal(0, h.Logs.Count("chunk 0 started"));
        Assert.Equal(0, await ChunkBlobsAsync(h, status.Id));
    }

    [Fact]
    public async Task An_undecodable_input_fails_at_once_without_retries()
    {
        using var telemetry = new TelemetryCapture();
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage(), new Dictionary<string, string?> { ["Pipeline:RetryBaseDelay"] = "00:00:05" });
        var junk = new byte[200_000];
        new Random(7).NextBytes(junk);
        await h.Blobs.Input.GetBlobClient("junk.mp3").UploadAsync(BinaryData.FromBytes(junk));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = await h.RunAsync("junk.mp3");

        Assert.Equal(JobStates.Failed, status.State);
        Assert.Contains("could not be decoded", status.Error, StringComparison.Ordinal);
        Assert.Equal(1, telemetry.Of("stt.pipeline.step.duration").Count(m => m["step"] == "plan"));
        // A retry would have waited 5 s first.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{clock.Elapsed}");
    }

    [Fact]
    public async Task Sidecar_wins_over_metadata_and_is_no_job_itself()
    {
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage());
        await h.Blobs.Input.GetBlobClient("talk.mp3.json").UploadAsync(BinaryData.FromString("""{"formats":["srt","text"],"language":"english"}"""));
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_formats"] = "vtt", ["stt_prompt"] = "Hi." });
        Assert.Null(await h.Scheduler.ScheduleAsync(h.Client, "talk.mp3.json", default));

        var props = (await h.Blobs.Input.GetBlobClient("talk.mp3").GetPropertiesAsync()).Value;
        var start = new JobStart(h.Storage.InputContainer, "talk.mp3", props.ETag.ToString(), props.ContentLength, h.Scheduler.RunSettings());
        var plan = await h.Get<PlanJobActivity>().PlanAsync(start, default);
        Assert.Null(plan.Rejection);
        Assert.Equal(["srt", "txt"], plan.Settings!.Formats);
        Assert.Equal("en", plan.Settings.Language);
        Assert.Equal("Hi.", plan.Settings.Prompt);

        var status = await h.RunAsync("talk.mp3");
        Assert.Equal(["talk.mp3.srt", "talk.mp3.txt"], status.Outputs);
    }

    [Fact]
    public async Task A_chunk_that_keeps_failing_fails_the_job_after_MaxAttempts_naming_the_chunk_and_the_reason()
    {
        // A deployment nobody listens for: every call is a connection failure (an outage), with no fallback.
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage(), new Dictionary<string, string?>
        {
            ["AzureOpenAI:Deployments:0:Id"] = "whisper-azure",
            ["AzureOpenAI:Deployments:0:Endpoint"] = $"http://127.0.0.1:{Fixtures.ServerProcess.FreePort()}",
            ["AzureOpenAI:Deployments:0:Kind"] = "whisper",
            ["AzureOpenAI:Deployments:0:ApiKey"] = "test-key",
            ["AzureOpenAI:MaxRetries"] = "0",
            ["Pipeline:MaxAttempts"] = "3",
            ["Pipeline:MaxChunksInFlight"] = "1",
        });
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_model"] = "whisper-azure" });
        var status = await h.RunAsync("talk.mp3");

        Assert.Equal(JobStates.Failed, status.State);
        Assert.Contains("chunk 0 failed after 3 attempt(s)", status.Error, StringComparison.Ordinal);
        var failed = Assert.Single(status.FailedChunks!);
        Assert.Equal((0, 3), (failed.Index, failed.Attempts));
        Assert.Contains("could not be reached", failed.Error, StringComparison.Ordinal);
        Assert.Equal(3, h.Logs.Count($"Job {status.Id}: chunk 0 started"));
        Assert.Equal(0, h.Logs.Count($"Job {status.Id}: chunk 1 started"));
        Assert.False(await h.Blobs.Output.GetBlobClient("talk.mp3.json").ExistsAsync());
        using var document = await h.ReadOutputJsonAsync("talk.mp3.status.json");
        Assert.Equal("failed", document.RootElement.GetProperty("state").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("failed_chunks")[0].GetProperty("attempts").GetInt32());
        var records = await JobRecordsAsync(h, status.Id);
        Assert.Equal((500, "job_failed"), (Assert.Single(records).Status, records[0].ErrorCode));
    }

    [Fact]
    public async Task Activities_run_again_write_the_same_content_and_the_job_is_metered_once()
    {
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage());
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value);
        var status = await h.RunAsync("talk.mp3");
        Assert.Equal(JobStates.Completed, status.State);

        // What the orchestration passed its steps, read back from the task hub.
        var start = (await h.Client.GetInstanceAsync(status.Id, getInputsAndOutputs: true))!.ReadInputAs<JobStart>()!;
        var batch = (await h.Client.GetInstanceAsync(JobIds.Batch(status.Id, 0), getInputsAndOutputs: true))!.ReadInputAs<ChunkBatch>()!;
        var resultBefore = await ResultBytesAsync(h, status.Id, 0);
        var outputsBefore = new Dictionary<string, byte[]>();
        foreach (var name in status.Outputs)
        {
            outputsBefore[name] = await h.ReadOutputAsync(name);
        }

        // A chunk delivered again (its first result was never recorded, say): the same result blob.
        await h.Get<TranscribeChunkActivity>().TranscribeAsync(new ChunkWork(status.Id, batch.Settings, batch.Chunks[0], false), default);
        Assert.Equal(resultBefore, await ResultBytesAsync(h, status.Id, 0));

        // The stitch twice more, one of them concurrently with the other: the same transcripts, one usage record.
        var work = new StitchWork(start, batch.Settings, status.DurationSeconds!.Value, [.. batch.Chunks], status.Timings with { CompletedAt = null });
        var stitch = h.Get<StitchJobActivity>();
        await Task.WhenAll(stitch.StitchAsync(work, default), stitch.StitchAsync(work, default));
        foreach (var (name, bytes) in outputsBefore)
        {
            Assert.Equal(bytes, await h.ReadOutputAsync(name));
        }
        var records = await JobRecordsAsync(h, status.Id);
        Assert.Equal((UsageRecord.Pipeline, 200, "whisper-1"), (records[0].KeyId, records[0].Status, records[0].Model));
        Assert.Equal(status.DurationSeconds!.Value, records[0].AudioSeconds, 0.01);
        Assert.Single(UsageReport.CountedOnce(records));
    }

    [Fact]
    public async Task Purge_removes_ended_jobs_their_batches_and_chunks_but_never_inputs_transcripts_or_recent_jobs()
    {
        var retain = TimeSpan.FromSeconds(10);
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage(), new Dictionary<string, string?> { ["Pipeline:RetainJobsFor"] = "00:00:10" });
        await h.UploadAsync("old.mp3", JobAudio.TwoMinutes.Value);
        var old = await h.RunAsync("old.mp3");
        var oldEnded = DateTimeOffset.UtcNow;
        Assert.True(await ChunkBlobsAsync(h, old.Id) > 0);

        // A second job ends later; by the time it has, the first ended more than Pipeline:RetainJobsFor ago.
        await h.UploadAsync("new.mp3", JobAudio.TwoMinutes.Value);
        var recent = await h.RunAsync("new.mp3");
        var left = oldEnded + retain + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
        Assert.Equal(1, await h.Get<JobHousekeeping>().PurgeAsync(h.Client, default));

        Assert.Null(await h.Client.GetInstanceAsync(old.Id));
        Assert.Null(await h.Client.GetInstanceAsync(JobIds.Batch(old.Id, 0)));
        Assert.Equal(0, await ChunkBlobsAsync(h, old.Id));
        Assert.True(await h.Blobs.Input.GetBlobClient("old.mp3").ExistsAsync());
        foreach (var output in old.Outputs.Append(JobBlobs.Status("old.mp3")))
        {
            Assert.True(await h.Blobs.Output.GetBlobClient(output).ExistsAsync(), output);
        }
        // The purged job is still found by its input, through its status document.
        Assert.Equal(JobStates.Completed, (await h.Get<JobStatusReader>().FindByInputAsync(h.Client, "old.mp3", default))!.State);
        // The recent one keeps everything.
        Assert.NotNull(await h.Client.GetInstanceAsync(recent.Id));
        Assert.True(await ChunkBlobsAsync(h, recent.Id) > 0);
    }

    private static async Task<int> CountJobsAsync(DurableTaskClient client)
    {
        int n = 0;
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            n += instance.Name == TranscriptionJobOrchestrator.Name ? 1 : 0;
        }
        return n;
    }

    private static async Task<int> ChunkBlobsAsync(DurableHarness h, string jobId)
    {
        int n = 0;
        await foreach (var _ in h.Blobs.Jobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, JobBlobs.Prefix(jobId) + "chunks/", default))
        {
            n++;
        }
        return n;
    }

    private static async Task<byte[]> ResultBytesAsync(DurableHarness h, string jobId, int index) =>
        (await h.Blobs.Jobs.GetBlobClient(JobBlobs.ChunkResult(jobId, index)).DownloadContentAsync()).Value.Content.ToArray();

    private static async Task<TranscriptionResult> ResultAsync(DurableHarness h, string jobId, int index) =>
        JobJson.Deserialize(BinaryData.FromBytes(await ResultBytesAsync(h, jobId, index)), JobJsonContext.Default.TranscriptionResult);

    /// <summary>The job's usage records as written (after a flush), today's file.</summary>
    private static async Task<List<UsageRecord>> JobRecordsAsync(DurableHarness h, string jobId)
    {
        await h.Get<UsageWriter>().FlushAsync(default);
        var records = new List<UsageRecord>();
        await foreach (var r in h.Get<IUsageStore>().ReadDayAsync(DateOnly.FromDateTime(DateTime.UtcNow), default))
        {
            if (r.Operation == UsageRecord.Job && r.Id == jobId)
            {
                records.Add(r);
            }
        }
        return records;
    }
}
