using System.Text.Json;
using Azure.Storage.Blobs;

namespace SpeechToText.Bench.Pipeline;

/// <summary>One chunk as the job left it: its span, when it was recorded done, what the engine said it spent.</summary>
internal sealed record ChunkRun(int Index, double Start, double End, DateTimeOffset CompletedAt, double VadMs, double InferenceMs,
    int Segments, byte[] Audio, byte[] Result)
{
    public double EngineMs => VadMs + InferenceMs;
}

/// <summary>
/// A completed job, read back from the jobs container: the manifest's timings (written by the server as it
/// went) and every chunk result's engine timings. Times are the server's clock; the bench runs on the same machine.
/// </summary>
internal sealed class PipelineRun
{
    public required string Name { get; init; }
    public required long InputBytes { get; init; }
    public required int Workers { get; init; }
    public required double AudioSeconds { get; init; }
    public required double UploadSeconds { get; init; }
    public required DateTimeOffset UploadedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset PlannedAt { get; init; }
    public required double DecodeSeconds { get; init; }
    public required double PlanSeconds { get; init; }
    public required DateTimeOffset TranscribedAt { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
    public required IReadOnlyList<ChunkRun> Chunks { get; init; }
    public required IReadOnlyList<(string Name, byte[] Body)> Outputs { get; init; }
    public long? PeakRssKiB { get; init; }

    /// <summary>Upload finished → the watcher saw the blob and the job was created.</summary>
    public double WatchSeconds => (CreatedAt - UploadedAt).TotalSeconds;

    /// <summary>Job created → planned: metadata, download + decode, VAD plan, chunk uploads, manifest.</summary>
    public double PlanPhaseSeconds => (PlannedAt - CreatedAt).TotalSeconds;

    /// <summary>Planned → last chunk recorded done.</summary>
    public double TranscribePhaseSeconds => (TranscribedAt - PlannedAt).TotalSeconds;

    /// <summary>Last chunk done → outputs written and job completed (includes the stitch queue's poll delay).</summary>
    public double StitchPhaseSeconds => (CompletedAt - TranscribedAt).TotalSeconds;

    /// <summary>The pipeline's wall time: job created → completed.</summary>
    public double WallSeconds => (CompletedAt - CreatedAt).TotalSeconds;

    public double EngineSeconds => Chunks.Sum(c => c.EngineMs) / 1000;

    public double VadSeconds => Chunks.Sum(c => c.VadMs) / 1000;

    public double InferenceSeconds => Chunks.Sum(c => c.InferenceMs) / 1000;

    /// <summary>With one worker nothing overlaps: everything of the wall time that is not the engine is the pipeline's.</summary>
    public double OutsideEngineSeconds => WallSeconds - EngineSeconds;

    public static async Task<PipelineRun> LoadAsync(BlobContainerClient jobs, BlobContainerClient outputContainer, string jobId, string name, string inputPath, int workers,
        DateTimeOffset uploadedAt, double uploadSeconds, long? peakRssKiB)
    {
        var manifestBytes = (await jobs.GetBlobClient($"{jobId}/manifest.json").DownloadContentAsync().ConfigureAwait(false)).Value.Content;
        using var manifest = JsonDocument.Parse(manifestBytes.ToMemory());
        var m = manifest.RootElement;
        var t = m.GetProperty("timings");
        var chunks = new List<ChunkRun>();
        foreach (var c in m.GetProperty("chunks").EnumerateArray())
        {
            var index = c.GetProperty("index").GetInt32();
            var audio = (await jobs.GetBlobClient($"{jobId}/chunks/{index:D5}.wav").DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToArray();
            var result = (await jobs.GetBlobClient($"{jobId}/results/{index:D5}.json").DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToArray();
            using var r = JsonDocument.Parse(result);
            var timings = r.RootElement.GetProperty("timings");
            chunks.Add(new ChunkRun(index, c.GetProperty("start").GetDouble(), c.GetProperty("end").GetDouble(),
                c.GetProperty("completed_at").GetDateTimeOffset(), timings.GetProperty("vad_milliseconds").GetDouble(),
                timings.GetProperty("inference_milliseconds").GetDouble(), r.RootElement.GetProperty("segments").GetArrayLength(), audio, result));
        }
        var outputs = new List<(string, byte[])>();
        foreach (var o in m.GetProperty("outputs").EnumerateArray())
        {
            var blobName = o.GetString()!;
            outputs.Add((blobName, (await outputContainer.GetBlobClient(blobName).DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToArray()));
        }
        return new PipelineRun
        {
            Name = name,
            InputBytes = new FileInfo(inputPath).Length,
            Workers = workers,
            AudioSeconds = m.GetProperty("duration_seconds").GetDouble(),
            UploadSeconds = uploadSeconds,
            UploadedAt = uploadedAt,
            CreatedAt = t.GetProperty("created_at").GetDateTimeOffset(),
            PlannedAt = t.GetProperty("planned_at").GetDateTimeOffset(),
            DecodeSeconds = t.GetProperty("decode_seconds").GetDouble(),
            PlanSeconds = t.GetProperty("plan_seconds").GetDouble(),
            TranscribedAt = t.GetProperty("transcribed_at").GetDateTimeOffset(),
            CompletedAt = t.GetProperty("completed_at").GetDateTimeOffset(),
            Chunks = chunks,
            Outputs = outputs,
            PeakRssKiB = peakRssKiB,
        };
    }
}
