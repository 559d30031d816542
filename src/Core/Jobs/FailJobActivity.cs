using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The failure path of every job: a failure record in the jobs container (reason, chunk, attempts, time), the
/// status document with the reason, and the job's one usage record. Idempotent: a re-run overwrites both
/// documents and meters nothing more.
/// </summary>
public sealed class FailJobActivity(JobStorage storage, JobStatusDocuments documents, JobMetering metering, IHostApplicationLifetime lifetime,
    ILogger<FailJobActivity> logger) : TaskActivity<FailWork, bool>
{
    public const string Name = "FailJob";

    public override Task<bool> RunAsync(TaskActivityContext context, FailWork work) =>
        JobStepTelemetry.RunAsync("fail", () => FailAsync(work, lifetime.ApplicationStopping));

    public async Task<bool> FailAsync(FailWork work, CancellationToken cancellationToken)
    {
        var jobId = work.Start.JobId;
        try
        {
            await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            var status = new JobStatus
            {
                Id = jobId, State = JobStates.Failed, Input = work.Start.Blob, InputContainer = work.Start.Container, Model = work.Settings?.Model,
                DurationSeconds = work.DurationSeconds, ChunksDone = work.ChunksDone, ChunksTotal = work.ChunksTotal, Timings = work.Timings,
                OutputContainer = storage.Options.OutputContainer, Outputs = [], Error = work.Reason,
                FailedChunks = work.Chunk is { } c ? [new ChunkStatus(c.Index, JobStates.Failed, c.Attempts, c.Reason)] : null,
            };
            await storage.Jobs.GetBlobClient(JobBlobs.Failure(jobId)).UploadAsync(JobJson.Serialize(status, JobJsonContext.Default.JobStatus),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken).ConfigureAwait(false);
            await documents.WriteAsync(status, cancellationToken).ConfigureAwait(false);
            bool rejected = work.Chunk is null && work.ChunksTotal == 0;
            await metering.RecordOnceAsync(work.Start, work.Settings?.Model, work.DurationSeconds ?? 0, work.Timings, rejected ? 400 : 500,
                rejected ? "job_rejected" : "job_failed", null, cancellationToken).ConfigureAwait(false);
            logger.LogError("Job {JobId} for {Blob} failed: {Reason}", jobId, work.Start.Blob, work.Reason);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw JobStepErrors.Classify(e);
        }
    }
}
