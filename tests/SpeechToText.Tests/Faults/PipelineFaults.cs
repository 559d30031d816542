using System.Text.Json;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Infrastructure;
using SpeechToText.Tests.Jobs;

namespace SpeechToText.Tests.Faults;

/// <summary>A completed job as the fault tests compare it: its chunk plan and its duration.</summary>
internal sealed record JobOutcome(IReadOnlyList<(double Start, double End)> Chunks, double Duration);

/// <summary>Steps shared by the pipeline fault tests (a server with Pipeline:Enabled against Azurite).</summary>
internal static class PipelineFaults
{
    public static async Task UploadAsync(StorageOptions storage, string name, string file)
    {
        var blobs = AzuriteFixture.Client(storage);
        await blobs.EnsureCreatedAsync(default);
        await using var f = File.OpenRead(file);
        await blobs.Input.GetBlobClient(name).UploadAsync(f);
    }

    /// <summary>
    /// Waits until the job of <paramref name="input"/> has at least one chunk done and the engine is computing
    /// another one (a chunk is in flight); returns the job id.
    /// </summary>
    public static async Task<string> WaitForChunkInFlightAsync(ServerProcess server, string input, TimeSpan timeout)
    {
        string? id = null;
        await FaultChecks.WaitUntilAsync(async () =>
        {
            if (await PipelineServerTests.StatusAsync(server, input) is not { } status
                || status.GetProperty("state").GetString() != "transcribing" || status.GetProperty("chunks_done").GetInt32() < 1)
            {
                return false;
            }
            id = status.GetProperty("id").GetString();
            return (await FaultChecks.EngineAsync(server.Client)).SlotsBusy > 0;
        }, timeout, $"a chunk of {input} to be in flight");
        return id!;
    }

    /// <summary>
    /// Asserts that the job completed with every chunk done and that its stitched transcript holds each chunk's
    /// stored segments exactly once, in chunk order (nothing lost, nothing duplicated), and no work item was poisoned.
    /// </summary>
    public static async Task<JobOutcome> AssertEveryChunkOnceAsync(StorageOptions storage, string input, string jobId)
    {
        var blobs = AzuriteFixture.Client(storage);
        var manifest = (await new ManifestStore(blobs).TryReadAsync(jobId, default))!.Value.Manifest;
        Assert.Equal(JobState.Completed, manifest.State);
        Assert.All(manifest.Chunks, c => Assert.Equal(ChunkState.Done, c.State));

        var expected = new List<string>();
        foreach (var chunk in manifest.Chunks.OrderBy(c => c.Index))
        {
            var result = JobJson.Deserialize<TranscriptionResult>(
                (await blobs.Jobs.GetBlobClient(ManifestStore.ChunkResultName(jobId, chunk.Index)).DownloadContentAsync()).Value.Content);
            expected.AddRange(result.Segments.Select(s => s.Text.Trim()));
        }
        using var verbose = JsonDocument.Parse((await blobs.Output.GetBlobClient($"{input}.verbose.json").DownloadContentAsync()).Value.Content.ToMemory());
        TranscriptChecks.AssertContiguous(verbose, expected.Count);
        var stitched = verbose.RootElement.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("text").GetString()!.Trim()).ToList();
        Assert.Equal(expected, stitched);
        Assert.Equal(0, (await blobs.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        return new JobOutcome([.. manifest.Chunks.OrderBy(c => c.Index).Select(c => (c.Start, c.End))], verbose.RootElement.GetProperty("duration").GetDouble());
    }
}
