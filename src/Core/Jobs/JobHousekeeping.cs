using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Purges jobs that ended (completed, failed or cancelled) more than Pipeline:RetainJobsFor ago: their chunk blobs
/// and results in the jobs container, their batch sub-orchestrations and their instance. Inputs, transcripts and
/// status documents are never touched. Run by the local server on a timer, and by a timer-triggered function in Azure.
/// </summary>
public sealed class JobHousekeeping(JobStorage storage, IOptions<PipelineOptions> options, TimeProvider clock, ILogger<JobHousekeeping> logger)
{
    public async Task<int> PurgeAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.RetainJobsFor;
        var query = new OrchestrationQuery
        {
            CreatedTo = cutoff,
            Statuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
            PageSize = 100,
        };
        var ended = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (instance.Name == TranscriptionJobOrchestrator.Name && (instance.LastUpdatedAt <= cutoff))
            {
                ended.Add(instance);
            }
        }
        foreach (var job in ended)
        {
            await PurgeJobAsync(client, job.InstanceId, cancellationToken).ConfigureAwait(false);
        }
        if (ended.Count > 0)
        {
            logger.LogInformation("Purged {Count} job(s) that ended before {Cutoff:u} (their chunks and history)", ended.Count, cutoff);
        }
        return ended.Count;
    }

    /// <summary>One job's chunk blobs, batch instances and instance (it must have ended: running instances cannot be purged).</summary>
    public async Task PurgeJobAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Jobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, JobBlobs.Prefix(jobId), cancellationToken).ConfigureAwait(false))
        {
            await storage.Jobs.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        for (int batch = 0; await client.GetInstanceAsync(JobIds.Batch(jobId, batch), cancellationToken).ConfigureAwait(false) is not null; batch++)
        {
            await client.PurgeInstanceAsync(JobIds.Batch(jobId, batch), cancellation: cancellationToken).ConfigureAwait(false);
        }
        await client.PurgeInstanceAsync(jobId, cancellation: cancellationToken).ConfigureAwait(false);
    }
}
