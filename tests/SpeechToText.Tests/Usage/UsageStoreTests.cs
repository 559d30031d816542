using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Jobs;
using static SpeechToText.Tests.Usage.UsageCalls;

namespace SpeechToText.Tests.Usage;

/// <summary>The append-blob store's limits and the pipeline's one record per job, against real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UsageStoreTests(AzuriteFixture azurite)
{
    private static UsageRecord Record(int i, DateTimeOffset time) => new()
    {
        Time = time,
        Id = $"req-{i:D4}",
        KeyId = "k",
        Operation = UsageRecord.Transcription,
        Model = "whisper-1",
        Status = 200,
        AudioSeconds = i,
    };

    [Fact]
    public async Task Blocks_stay_under_the_size_limit_blobs_roll_at_the_block_limit_and_days_get_their_own_blobs()
    {
        var storage = azurite.NewStorage();
        var options = new UsageOptions { Container = $"usage-{Guid.NewGuid():N}"[..20], InstanceId = "inst", MaxBlockBytes = 1024, MaxBlocksPerBlob = 3 };
        var store = new BlobUsageStore(AzuriteFixture.Client(storage), Options.Create(options));
        var day1 = new DateTimeOffset(2026, 3, 1, 23, 59, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 30).Select(i => Record(i, i < 25 ? day1 : day1.AddMinutes(2))).ToList();

        var pending = records.ToList();
        int appends = 0;
        while (pending.Count > 0)
        {
            int written = await store.AppendAsync(pending, default);
            Assert.InRange(written, 1, pending.Count);
            Assert.True(pending.Take(written).Select(r => r.Day).Distinct().Count() == 1, "one append holds one day");
            pending.RemoveRange(0, written);
            appends++;
        }

        var blobs = await BlobsAsync(storage.ConnectionString!, options.Container);
        Assert.All(blobs, b => Assert.True(b.Text.Length <= 3 * 1024, $"{b.Name}: {b.Text.Length} bytes in at most 3 blocks of 1 KiB"));
        var names = blobs.Select(b => b.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("2026/03/01/inst.jsonl", names);
        Assert.Contains("2026/03/01/inst-2.jsonl", names);
        Assert.Contains("2026/03/02/inst.jsonl", names);
        Assert.True(appends > 3, $"25 records of about 150 bytes need several 1 KiB blocks, got {appends} appends");

        // Read back by day: every record once, in order.
        var back = new List<UsageRecord>();
        foreach (var day in new[] { DateOnly.FromDateTime(day1.UtcDateTime), DateOnly.FromDateTime(day1.UtcDateTime).AddDays(1) })
        {
            await foreach (var r in store.ReadDayAsync(day, default))
            {
                back.Add(r);
            }
        }
        Assert.Equal(records.Select(r => r.Id).Order(), back.Select(r => r.Id).Order());
        Assert.Equal(records, back.OrderBy(r => r.Id).ToList());

        // A second writer with the same instance id (a restart) continues after the full blobs instead of overwriting them.
        var restarted = new BlobUsageStore(AzuriteFixture.Client(storage), Options.Create(options));
        await restarted.AppendAsync([Record(99, day1)], default);
        Assert.Equal(31, Records(await BlobsAsync(storage.ConnectionString!, options.Container)).Count);
    }

    [Fact]
    public async Task A_pipeline_job_is_one_record_even_when_stitch_runs_again_and_a_rejected_job_is_one_too()
    {
        var container = $"usage-{Guid.NewGuid():N}"[..20];
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage(), new Dictionary<string, string?> { ["Usage:Container"] = container });
        await h.UploadAsync("hello.wav", AudioSamples.Shared.Wav16kMonoS16);
        var job = await h.RunAsync("hello.wav");
        Assert.Equal(JobStates.Completed, job.State);
        // The stitch delivered twice more at once (as a redelivery after a crash could).
        var start = (await h.Client.GetInstanceAsync(job.Id, getInputsAndOutputs: true))!.ReadInputAs<JobStart>()!;
        var batch = (await h.Client.GetInstanceAsync(JobIds.Batch(job.Id, 0), getInputsAndOutputs: true))!.ReadInputAs<ChunkBatch>()!;
        var work = new StitchWork(start, batch.Settings, job.DurationSeconds!.Value, [.. batch.Chunks], job.Timings with { CompletedAt = null });
        await Task.WhenAll(h.Get<StitchJobActivity>().StitchAsync(work, default), h.Get<StitchJobActivity>().StitchAsync(work, default));

        // A job rejected at once (unknown model), its blob event delivered twice.
        await h.UploadAsync("bad.wav", AudioSamples.Shared.Wav16kMonoS16, new Dictionary<string, string> { ["stt_model"] = "no-such-model" });
        var rejected = await h.Scheduler.ScheduleAsync(h.Client, "bad.wav", default);
        Assert.Equal(rejected, await h.Scheduler.ScheduleAsync(h.Client, "bad.wav", default));
        Assert.Equal(JobStates.Failed, (await h.WaitAsync(rejected!)).State);

        await h.Get<UsageWriter>().FlushAsync(default);
        var records = UsageReport.CountedOnce(Records(await BlobsAsync(h.Storage.ConnectionString!, container)));
        Assert.Equal(2, records.Count);
        var record = Assert.Single(records, r => r.Id == job.Id);
        Assert.Equal((UsageRecord.Pipeline, UsageRecord.Job, 200, "whisper-1"), (record.KeyId, record.Operation, record.Status, record.Model));
        Assert.Equal(job.DurationSeconds!.Value, record.AudioSeconds, 3);
        Assert.Equal(new FileInfo(AudioSamples.Shared.Wav16kMonoS16).Length, record.UploadBytes);
        var bad = Assert.Single(records, r => r.Id == rejected);
        Assert.Equal((400, "job_rejected"), (bad.Status, bad.ErrorCode));
    }
}
