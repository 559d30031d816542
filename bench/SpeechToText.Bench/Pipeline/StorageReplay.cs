using System.Diagnostics;
using Azure.Storage.Blobs;

namespace SpeechToText.Bench.Pipeline;

/// <summary>Seconds of each kind of blob traffic a job makes, replayed with the same bytes.</summary>
internal sealed record StorageTimes(double ChunkUpload, double ChunkDownload, double ResultUpload, double ResultDownload, double OutputUpload,
    long ChunkBytes, long ResultBytes, long OutputBytes)
{
    public double Total => ChunkUpload + ChunkDownload + ResultUpload + ResultDownload + OutputUpload;
}

/// <summary>
/// The manifest does not split the plan step's time between the VAD planner and the chunk uploads, nor a
/// chunk step's time between storage and the rest. So the bench replays the job's blob traffic (the same
/// chunk WAVs, results and outputs, one after another, with the same SDK) against the same Azurite and times it.
/// </summary>
internal static class StorageReplay
{
    public static async Task<StorageTimes> RunAsync(BlobServiceClient blobs, PipelineRun run)
    {
        var container = blobs.GetBlobContainerClient($"bench-replay-{DateTime.UtcNow:HHmmss}");
        await container.CreateIfNotExistsAsync().ConfigureAwait(false);
        try
        {
            var chunkUpload = await TimeAsync(run.Chunks, c => container.GetBlobClient($"chunks/{c.Index:D5}.wav").UploadAsync(BinaryData.FromBytes(c.Audio), overwrite: true)).ConfigureAwait(false);
            var chunkDownload = await TimeAsync(run.Chunks, c => container.GetBlobClient($"chunks/{c.Index:D5}.wav").DownloadContentAsync()).ConfigureAwait(false);
            var resultUpload = await TimeAsync(run.Chunks, c => container.GetBlobClient($"results/{c.Index:D5}.json").UploadAsync(BinaryData.FromBytes(c.Result), overwrite: true)).ConfigureAwait(false);
            var resultDownload = await TimeAsync(run.Chunks, c => container.GetBlobClient($"results/{c.Index:D5}.json").DownloadContentAsync()).ConfigureAwait(false);
            var outputUpload = await TimeAsync(run.Outputs, o => container.GetBlobClient($"out/{o.Name}").UploadAsync(BinaryData.FromBytes(o.Body), overwrite: true)).ConfigureAwait(false);
            return new StorageTimes(chunkUpload, chunkDownload, resultUpload, resultDownload, outputUpload,
                run.Chunks.Sum(c => (long)c.Audio.Length), run.Chunks.Sum(c => (long)c.Result.Length), run.Outputs.Sum(o => (long)o.Body.Length));
        }
        finally
        {
            await container.DeleteIfExistsAsync().ConfigureAwait(false);
        }
    }

    private static async Task<double> TimeAsync<T>(IEnumerable<T> items, Func<T, Task> action)
    {
        var sw = Stopwatch.StartNew();
        foreach (var item in items)
        {
            await action(item).ConfigureAwait(false);
        }
        return sw.Elapsed.TotalSeconds;
    }
}
