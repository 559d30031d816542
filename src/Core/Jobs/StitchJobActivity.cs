using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Stitches the chunk results into one transcript (offsets, ids, spacing, overlap removal, language, usage),
/// writes every requested format and the status document, and meters the job once. Idempotent: a re-run writes
/// the same outputs, and the usage marker keeps it from metering twice.
/// </summary>
public sealed class StitchJobActivity(JobStorage storage, JobStatusDocuments documents, JobMetering metering, IHostApplicationLifetime lifetime,
    ILogger<StitchJobActivity> logger) : TaskActivity<StitchWork, StitchDone>
{
    public const string Name = "StitchJob";

    public override Task<StitchDone> RunAsync(TaskActivityContext context, StitchWork work) =>
        JobStepTelemetry.RunAsync("stitch", () => StitchAsync(work, lifetime.ApplicationStopping));

    public async Task<StitchDone> StitchAsync(StitchWork work, CancellationToken cancellationToken)
    {
        var jobId = work.Start.JobId;
        try
        {
            var transcripts = new List<ChunkTranscript>();
            foreach (var chunk in work.Chunks.OrderBy(c => c.Index))
            {
                var content = (await storage.Jobs.GetBlobClient(JobBlobs.ChunkResult(jobId, chunk.Index)).DownloadContentAsync(cancellationToken).ConfigureAwait(false))
                    .Value.Content;
                transcripts.Add(new ChunkTranscript(chunk, JobJson.Deserialize(content, JobJsonContext.Default.TranscriptionResult)));
            }
            var stitched = TranscriptStitcher.Stitch(transcripts, work.DurationSeconds);
            var outputs = new List<string>();
            foreach (var (ext, file) in TranscriptFiles.Render(stitched, work.Settings.Formats))
            {
                var name = $"{work.Start.Blob}.{ext}";
                await storage.Output.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.Body),
                    new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType } }, cancellationToken).ConfigureAwait(false);
                outputs.Add(name);
            }
            var timings = work.Timings with { CompletedAt = DateTimeOffset.UtcNow };
            await documents.WriteAsync(new JobStatus
            {
                Id = jobId, State = JobStates.Completed, Input = work.Start.Blob, InputContainer = work.Start.Container, Model = work.Settings.Model,
                DurationSeconds = work.DurationSeconds, ChunksDone = work.Chunks.Count, ChunksTotal = work.Chunks.Count, Timings = timings,
                OutputContainer = storage.Options.OutputContainer, Outputs = outputs,
            }, cancellationToken).ConfigureAwait(false);
            await metering.RecordOnceAsync(work.Start, work.Settings.Model, work.DurationSeconds, timings, 200, null, stitched.Usage, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Job {JobId} completed: {Segments} segment(s), outputs {Outputs}", jobId, stitched.Segments.Count, string.Join(", ", outputs));
            return new StitchDone(outputs);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw JobStepErrors.Classify(e);
        }
    }
}
