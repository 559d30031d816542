using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Audio;
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
    public async Task A_pipeline_job_is_one_record_even_when_stitch_runs_twice_and_a_rejected_job_is_one_too()
    {
        var container = $"usage-{Guid.NewGuid():N}"[..20];
        await using var h = new PipelineHarness(azurite.NewStorage(), new Dictionary<string, string?> { ["Usage:Container"] = container });
        await h.UploadAsync("hello.wav", AudioSamples.Shared.Wav16kMonoS16);
        var jobId = (await h.Steps.PlanAsync("hello.wav", default))!;
        await h.DrainAsync(h.Blobs.ChunkQueue);
        // The stitch delivered twice at once, then once more.
        await Task.WhenAll(h.Steps.StitchAsync(jobId, default), h.Steps.StitchAsync(jobId, default));
        await h.Steps.StitchAsync(jobId, default);
        await h.DrainAsync(h.Blobs.StitchQueue);
        var manifest = (await h.Steps.Manifests.TryReadAsync(jobId, default))!.Value.Manifest;
        Assert.Equal(JobState.Completed, manifest.State);

        // A job rejected at once (unknown model), its blob event delivered twice.
        await h.UploadAsync("bad.wav", AudioSamples.Shared.Wav16kMonoS16, new Dictionary<string, string> { ["stt_model"] = "no-such-model" });
        var rejected = await h.Steps.PlanAsync("bad.wav", default);
        Assert.Equal(rejected, await h.Steps.PlanAsync("bad.wav", default));

        var writer = h.Get<UsageWriter>();
        await writer.StartAsync(default);
        await writer.FlushAsync(default);
        await writer.StopAsync(default);
        var records = Records(await BlobsAsync(h.Storage.ConnectionString!, container));
        Assert.Equal(2, records.Count);
        var job = Assert.Single(records, r => r.Id == jobId);
        Assert.Equal((UsageRecord.Pipeline, UsageRecord.Job, 200, "whisper-1"), (job.KeyId, job.Operation, job.Status, job.Model));
        Assert.Equal(manifest.DurationSeconds!.Value, job.AudioSeconds, 3);
        Assert.Equal(new FileInfo(AudioSamples.Shared.Wav16kMonoS16).Length, job.UploadBytes);
        var bad = Assert.Single(records, r => r.Id == rejected);
        Assert.Equal((400, "job_rejected"), (bad.Status, bad.ErrorCode));
    }
}
