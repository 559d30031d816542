using System.Text.Json;
using Azure.Storage.Blobs;

namespace SpeechToText.Bench.Pipeline;

/// <summary>One chunk as the job left it: what the engine said it spent, its audio and its result.</summary>
internal sealed record ChunkRun(int Index, double VadMs, double InferenceMs, int Segments, byte[] Audio, byte[] Result)
{
    public double EngineMs => VadMs + InferenceMs;
}

/// <summary>
/// A completed job, read back as a user would: its status (the orchestration's custom status, through the status
/// endpoint: the stage timings) and the jobs container (each chunk's audio, result and the engine's own timings).
/// Times are the server's clock; the bench runs on the same machine.
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

    /// <summary>Upload finished → the watcher saw the blob and the orchestration started.</summary>
    public double WatchSeconds => (CreatedAt - UploadedAt).TotalSeconds;

    /// <summary>Job started → planned: the plan activity (options, download + decode, VAD plan, chunk uploads) and its dispatch.</summary>
    public double PlanPhaseSeconds => (PlannedAt - CreatedAt).TotalSeconds;

    /// <summary>Planned → last chunk done (the batch sub-orchestrations).</summary>
    public double TranscribePhaseSeconds => (TranscribedAt - PlannedAt).TotalSeconds;

    /// <summary>Last chunk done → completed: the stitch activity and its dispatch.</summary>
    public double StitchPhaseSeconds => (CompletedAt - TranscribedAt).TotalSeconds;

    /// <summary>The pipeline's wall time: job started → completed.</summary>
    public double WallSeconds => (CompletedAt - CreatedAt).TotalSeconds;

    public double EngineSeconds => Chunks.Sum(c => c.EngineMs) / 1000;

    public double VadSeconds => Chunks.Sum(c => c.VadMs) / 1000;

    public double InferenceSeconds => Chunks.Sum(c => c.InferenceMs) / 1000;

    /// <summary>With one chunk in flight nothing overlaps: everything of the wall time that is not the engine is the pipeline's.</summary>
    public double OutsideEngineSeconds => WallSeconds - EngineSeconds;

    public static async Task<PipelineRun> LoadAsync(JsonElement status, BlobContainerClient jobs, BlobContainerClient outputContainer, string inputPath,
        int workers, DateTimeOffset uploadedAt, double uploadSeconds, long? peakRssKiB)
    {
        var jobId = status.GetProperty("id").GetString()!;
        var t = status.GetProperty("timings");
        var chunks = new List<ChunkRun>();
        for (int index = 0; index < status.GetProperty("chunks_total").GetInt32(); index++)
        {
            var audio = (await jobs.GetBlobClient($"{jobId}/chunks/{index:D5}.wav").DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToArray();
            var result = (await jobs.GetBlobClient($"{jobId}/results/{index:D5}.json").DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToArray();
            using var timings = JsonDocument.Parse((await jobs.GetBlobClient($"{jobId}/results/{index:D5}.timings.json").DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToMemory());
            using var r = JsonDocument.Parse(result);
            chunks.Add(new ChunkRun(index, timings.RootElement.GetProperty("vad_milliseconds").GetDouble(),
                timings.RootElement.GetProperty("inference_milliseconds").GetDouble(), r.RootElement.GetProperty("segments").GetArrayLength(), audio, result));
        }
        var outputs = new List<(string, byte[])>();
        foreach (var o in status.GetProperty("outputs").EnumerateArray())
        {
            var blobName = o.GetString()!;
            outputs.Add((blobName, (await outputContainer.GetBlobClient(blobName).DownloadContentAsync().ConfigureAwait(false)).Value.Content.ToArray()));
        }
        return new PipelineRun
        {
            Name = status.GetProperty("input").GetString()!,
            InputBytes = new FileInfo(inputPath).Length,
            Workers = workers,
            AudioSeconds = status.GetProperty("duration_seconds").GetDouble(),
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
