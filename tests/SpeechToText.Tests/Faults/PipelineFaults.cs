using System.Text.Json;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Jobs;

namespace SpeechToText.Tests.Faults;

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

    /// <summary>How many times a server's log says chunk <paramref name="index"/> of the job started.</summary>
    public static int Starts(string logs, string jobId, int index) =>
        logs.Split('\n').Count(l => l.Contains($"Job {jobId}: chunk {index} started", StringComparison.Ordinal));

    public static bool Finished(string logs, string jobId, int index) =>
        logs.Contains($"Job {jobId}: chunk {index} transcribed", StringComparison.Ordinal);

    /// <summary>
    /// Asserts that the job completed with every chunk done and that its stitched transcript holds each chunk's
    /// stored segments exactly once, in chunk order (nothing lost, nothing duplicated).
    /// </summary>
    public static async Task<JobOutcome> AssertEveryChunkOnceAsync(StorageOptions storage, string input, JsonElement status)
    {
        Assert.Equal("completed", status.GetProperty("state").GetString());
        var jobId = status.GetProperty("id").GetString()!;
        int chunks = status.GetProperty("chunks_total").GetInt32();
        Assert.Equal(chunks, status.GetProperty("chunks_done").GetInt32());
        var blobs = AzuriteFixture.Client(storage);
        var expected = new List<string>();
        for (int i = 0; i < chunks; i++)
        {
            var result = JobJson.Deserialize((await blobs.Jobs.GetBlobClient(JobBlobs.ChunkResult(jobId, i)).DownloadContentAsync()).Value.Content,
                JobJsonContext.Default.TranscriptionResult);
            expected.AddRange(result.Segments.Select(s => s.Text.Trim()));
        }
        using var verbose = JsonDocument.Parse((await blobs.Output.GetBlobClient($"{input}.verbose.json").DownloadContentAsync()).Value.Content.ToMemory());
        TranscriptChecks.AssertContiguous(verbose, expected.Count);
        var stitched = verbose.RootElement.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("text").GetString()!.Trim()).ToList();
        Assert.Equal(expected, stitched);
        Assert.False(status.TryGetProperty("failed_chunks", out _), status.ToString());
        var outputs = new Dictionary<string, byte[]>();
        foreach (var name in status.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()!))
        {
            outputs[name] = (await blobs.Output.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
        }
        return new JobOutcome(chunks, verbose.RootElement.GetProperty("duration").GetDouble(), outputs);
    }
}

/// <summary>A completed job as the fault tests compare it: its chunk count, duration and transcript files.</summary>
internal sealed record JobOutcome(int Chunks, double Duration, IReadOnlyDictionary<string, byte[]> Outputs);
