using System.Text.Json;
using Azure.Storage.Blobs.Models;
using SpeechToText.Core.Jobs;
using SpeechToText.Tests.Observability;

namespace SpeechToText.Tests.Jobs;

/// <summary>The steps in-process against real Azurite: idempotency, rejection and the poison path.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PipelineStepsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Same_blob_event_twice_is_one_job_and_same_work_item_twice_adds_nothing()
    {
        using var telemetry = new TelemetryCapture();
        await using var h = new PipelineHarness(azurite.NewStorage());
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value);

        var first = await h.Steps.PlanAsync("talk.mp3", default);
        var second = await h.Steps.PlanAsync("talk.mp3", default);
        Assert.NotNull(first);
        Assert.Equal(first, second);
        var manifest = (await h.Steps.Manifests.TryReadAsync(first!, default))!.Value.Manifest;
        Assert.Equal(JobState.Transcribing, manifest.State);
        Assert.True(manifest.Chunks.Count >= 4, $"expected several 30 s chunks, got {manifest.Chunks.Count}");
        var props = (await h.Blobs.ChunkQueue.GetPropertiesAsync()).Value;
        Assert.Equal(manifest.Chunks.Count, props.ApproximateMessagesCount);

        // Every work item delivered twice (a redelivery after a lost delete).
        var messages = new List<string>();
        while ((await h.Blobs.ChunkQueue.ReceiveMessageAsync()).Value is { } m)
        {
            messages.Add(m.MessageText);
            await h.Blobs.ChunkQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        }
        foreach (var text in messages.Concat(messages))
        {
            await h.Steps.TranscribeChunkAsync(ChunkWorkItem.Parse(text), 1, default);
        }
        manifest = (await h.Steps.Manifests.TryReadAsync(first!, default))!.Value.Manifest;
        Assert.Equal(JobState.Stitching, manifest.State);
        Assert.Equal(1, (await h.Blobs.StitchQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        await h.DrainAsync(h.Blobs.StitchQueue);
        await h.Steps.StitchAsync(first!, default); // a second stitch changes nothing
        manifest = (await h.Steps.Manifests.TryReadAsync(first!, default))!.Value.Manifest;
        Assert.Equal(JobState.Completed, manifest.State);
        Assert.Equal(5, manifest.Outputs.Count);

        int expected = 0;
        foreach (var c in manifest.Chunks)
        {
            var r = JobJson.Deserialize<Core.Transcription.TranscriptionResult>(
                (await h.Blobs.Jobs.GetBlobClient(ManifestStore.ChunkResultName(first!, c.Index)).DownloadContentAsync()).Value.Content);
            expected += r.Segments.Count;
        }
        using var verbose = await h.ReadOutputJsonAsync("talk.mp3.verbose.json");
        TranscriptChecks.AssertContiguous(verbose, expected);

        // Every step run is timed (repeats included), and each chunk's audio is counted once: by the run that transcribed it.
        var steps = telemetry.Of("stt.pipeline.step.duration");
        Assert.All(steps, m => Assert.Equal("success", m["outcome"]));
        Assert.Equal(2, steps.Count(m => m["step"] == "plan"));
        Assert.Equal(2 * manifest.Chunks.Count, steps.Count(m => m["step"] == "transcribe_chunk"));
        Assert.Equal(2, steps.Count(m => m["step"] == "stitch"));
        Assert.Equal(manifest.Chunks.Count, telemetry.Of("stt.audio.transcribed").Count);
        Assert.Equal(manifest.Chunks.Sum(c => c.End - c.Start), telemetry.Of("stt.audio.transcribed").Sum(m => m.Value), 0.05);
        Assert.Equal(steps.Count, telemetry.Spans.Count(a => a.OperationName == "stt.pipeline.step"));
    }

    [Fact]
    public async Task Unknown_model_fails_the_job_with_the_reason_and_a_status_document()
    {
        await using var h = new PipelineHarness(azurite.NewStorage());
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_model"] = "no-such-model" });
        var id = await h.Steps.PlanAsync("talk.mp3", default);
        var manifest = (await h.Steps.Manifests.TryReadAsync(id!, default))!.Value.Manifest;
        Assert.Equal(JobState.Failed, manifest.State);
        Assert.Contains("no-such-model", manifest.Error, StringComparison.Ordinal);
        using var status = await h.ReadOutputJsonAsync("talk.mp3.status.json");
        Assert.Equal("failed", status.RootElement.GetProperty("state").GetString());
        Assert.Equal(0, (await h.Blobs.ChunkQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Sidecar_wins_over_metadata()
    {
        await using var h = new PipelineHarness(azurite.NewStorage());
        await h.Blobs.EnsureCreatedAsync(default);
        await h.Blobs.Input.GetBlobClient("talk.mp3.json").UploadAsync(BinaryData.FromString("""{"formats":["srt","text"],"language":"english"}"""));
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_formats"] = "vtt", ["stt_prompt"] = "Hi." });
        var id = await h.Steps.PlanAsync("talk.mp3", default);
        Assert.Null(await h.Steps.PlanAsync("talk.mp3.json", default));
        var o = (await h.Steps.Manifests.TryReadAsync(id!, default))!.Value.Manifest.Options;
        Assert.Equal(["srt", "txt"], o.Formats);
        Assert.Equal("en", o.Language);
        Assert.Equal("Hi.", o.Prompt);
    }

    [Fact]
    public async Task A_chunk_that_keeps_failing_goes_to_the_poison_queue_and_fails_the_job()
    {
        // A deployment nobody listens for: every call is a connection failure (an outage), with no fallback.
        await using var h = new PipelineHarness(azurite.NewStorage(), new Dictionary<string, string?>
        {
            ["AzureOpenAI:Deployments:0:Id"] = "whisper-azure",
            ["AzureOpenAI:Deployments:0:Endpoint"] = $"http://127.0.0.1:{Infrastructure.ServerProcess.FreePort()}",
            ["AzureOpenAI:Deployments:0:Kind"] = "whisper",
            ["AzureOpenAI:Deployments:0:ApiKey"] = "test-key",
            ["AzureOpenAI:MaxRetries"] = "0",
            ["Pipeline:MaxAttempts"] = "2",
        });
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_model"] = "whisper-azure" });
        var id = await h.Steps.PlanAsync("talk.mp3", default);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JobManifest manifest;
        do
        {
            await h.DrainAsync(h.Blobs.ChunkQueue);
            await Task.Delay(200);
            manifest = (await h.Steps.Manifests.TryReadAsync(id!, default))!.Value.Manifest;
        }
        while (manifest.State != JobState.Failed && DateTime.UtcNow < deadline);

        Assert.Equal(JobState.Failed, manifest.State);
        Assert.Contains("after 2 attempt(s)", manifest.Error, StringComparison.Ordinal);
        var poison = (await h.Blobs.PoisonQueue.PeekMessageAsync()).Value;
        Assert.NotNull(poison);
        using var record = JsonDocument.Parse(poison.MessageText);
        Assert.Equal(h.Storage.ChunkQueue, record.RootElement.GetProperty("queue").GetString());
        Assert.Equal(2, record.RootElement.GetProperty("dequeue_count").GetInt32());
        using var status = await h.ReadOutputJsonAsync("talk.mp3.status.json");
        Assert.Equal("failed", status.RootElement.GetProperty("state").GetString());
        Assert.False(await h.Blobs.Output.GetBlobClient("talk.mp3.json").ExistsAsync());
    }
}

public static class TranscriptChecks
{
    /// <summary>Segment ids 0..n-1, start times never going back, and exactly the expected number of segments.</summary>
    public static void AssertContiguous(JsonDocument verbose, int expectedSegments)
    {
        var segments = verbose.RootElement.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(expectedSegments, segments.Count);
        double last = -1;
        for (int i = 0; i < segments.Count; i++)
        {
            Assert.Equal(i, segments[i].GetProperty("id").GetInt32());
            double start = segments[i].GetProperty("start").GetDouble();
            Assert.True(start >= last, $"segment {i} starts at {start} before {last}");
            last = start;
        }
    }
}
