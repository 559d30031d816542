using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Transcribes one chunk through the same router as the HTTP API (local engine, Azure deployments, fallbacks),
/// with the previous chunk's last sentence as prompt when the orchestrator says it is there. Idempotent: the
/// result blob is overwritten; the engine is deterministic for the same audio, settings and prompt, so a re-run
/// writes the same content (the run's own timings go to a blob of their own). Failures are classified transient or permanent for the retry handler.
/// </summary>
public sealed class TranscribeChunkActivity(JobStorage storage, TranscriptionRouter router, IHostApplicationLifetime lifetime,
    ILogger<TranscribeChunkActivity> logger) : TaskActivity<ChunkWork, ChunkDone>
{
    public const string Name = "TranscribeChunk";

    public override Task<ChunkDone> RunAsync(TaskActivityContext context, ChunkWork work) =>
        JobStepTelemetry.RunAsync("transcribe_chunk", () => TranscribeAsync(work, lifetime.ApplicationStopping));

    public async Task<ChunkDone> TranscribeAsync(ChunkWork work, CancellationToken cancellationToken)
    {
        int index = work.Chunk.Index;
        logger.LogInformation("Job {JobId}: chunk {Index} started", work.JobId, index);
        try
        {
            var model = JobRequest.ModelFor(work.Settings, router);
            string? prompt = null;
            if (work.PromptFromPrevious && model.Capabilities.Prompt)
            {
                var previous = JobJson.Deserialize((await storage.Jobs.GetBlobClient(JobBlobs.ChunkResult(work.JobId, index - 1))
                    .DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content, JobJsonContext.Default.TranscriptionResult);
                prompt = TranscriptStitcher.PromptFrom(previous);
                if (prompt is not null && work.Settings.Prompt is { Length: > 0 } userPrompt)
                {
                    prompt = userPrompt + " " + prompt;
                }
            }
            var wav = (await storage.Jobs.GetBlobClient(JobBlobs.ChunkAudio(work.JobId, index)).DownloadContentAsync(cancellationToken).ConfigureAwait(false))
                .Value.Content;
            var sw = Stopwatch.StartNew();
            TranscriptionResult result;
            await using (var request = JobRequest.BuildRequest(work.Settings, model, AudioUpload.FromBytes($"chunk-{index:D5}.wav", wav.ToArray()), prompt))
            {
                result = (await router.TranscribeAsync(request, null, cancellationToken).ConfigureAwait(false)).Result with { Raw = null };
            }
            await storage.Jobs.GetBlobClient(JobBlobs.ChunkResult(work.JobId, index))
                .UploadAsync(JobJson.Serialize(result with { Timings = null }, JobJsonContext.Default.TranscriptionResult), overwrite: true, cancellationToken)
                .ConfigureAwait(false);
            if (result.Timings is { } timings)
            {
                await storage.Jobs.GetBlobClient(JobBlobs.ChunkTimings(work.JobId, index))
                    .UploadAsync(JobJson.Serialize(timings, JobJsonContext.Default.EngineTimings), overwrite: true, cancellationToken).ConfigureAwait(false);
            }
            logger.LogInformation("Job {JobId}: chunk {Index} transcribed in {Seconds:0.##} s", work.JobId, index, sw.Elapsed.TotalSeconds);
            return new ChunkDone(index, result.Segments.Count, sw.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var classified = JobStepErrors.Classify(e);
            logger.LogWarning("Job {JobId}: chunk {Index} failed: {Reason}", work.JobId, index, classified.Message);
            throw classified;
        }
    }
}
