using Azure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Turns "a blob landed in the input container" into a job: one orchestration instance per blob version (its id
/// comes from the name and ETag), so a duplicate event finds the instance and does nothing, and a re-upload is a
/// new job. Used by the Functions blob trigger and by the local server's blob watcher.
/// </summary>
public sealed class JobScheduler(JobStorage storage, IOptions<PipelineOptions> pipeline, IOptions<WhisperOptions> whisper, ILogger<JobScheduler> logger)
{
    /// <summary>The run settings a job scheduled now gets (fan-out, batch size, retries).</summary>
    public JobRunSettings RunSettings()
    {
        var o = pipeline.Value;
        int inFlight = o.MaxChunksInFlight ?? whisper.Value.EffectiveSlots(Environment.ProcessorCount);
        return new JobRunSettings(inFlight, o.ChunksPerBatch, o.MaxAttempts, o.RetryBaseDelay, o.RetryMaxDelay);
    }

    /// <summary>Schedules the job of the blob's current version unless it exists; returns its id, or null for sidecars and blobs that are gone.</summary>
    public async Task<string?> ScheduleAsync(DurableTaskClient client, string blobName, CancellationToken cancellationToken)
    {
        if (JobRequest.IsSidecar(blobName))
        {
            return null;
        }
        Azure.Storage.Blobs.Models.BlobProperties props;
        try
        {
            props = (await storage.Input.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        var start = new JobStart(storage.Options.InputContainer, blobName, props.ETag.ToString(), props.ContentLength, RunSettings());
        return await ScheduleAsync(client, start, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ScheduleAsync(DurableTaskClient client, JobStart start, CancellationToken cancellationToken)
    {
        var id = start.JobId;
        if (await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return id;   // the same blob version again: its job exists
        }
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TranscriptionJobOrchestrator.Name, start, new StartOrchestrationOptions(id), cancellationToken)
                .ConfigureAwait(false);
            logger.LogInformation("Job {JobId} scheduled for {Blob}", id, start.Blob);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Two events at once: whichever scheduled it, the job exists now. Anything else is a real failure.
            if (await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }
        }
        return id;
    }
}
