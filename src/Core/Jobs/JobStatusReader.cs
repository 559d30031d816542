using Azure;
using Microsoft.DurableTask.Client;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// A job's status from its orchestration instance (the custom status, plus the running batch's own progress),
/// for both hosts' status endpoints. A job whose instance was purged is still found by its status document.
/// </summary>
public sealed class JobStatusReader(JobStorage storage, JobStatusDocuments documents)
{
    public async Task<JobStatus?> GetAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(jobId))
        {
            return null;
        }
        var instance = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null || instance.Name != TranscriptionJobOrchestrator.Name)
        {
            return null;
        }
        var progress = instance.ReadCustomStatusAs<JobProgress>();
        var start = instance.ReadInputAs<JobStart>();
        int batchDone = 0;
        if (progress is { CurrentBatch: int batch, State: JobStates.Transcribing })
        {
            var sub = await client.GetInstanceAsync(JobIds.Batch(jobId, batch), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            batchDone = sub?.ReadCustomStatusAs<BatchProgress>()?.ChunksDone ?? 0;
        }
        var state = (instance.RuntimeStatus, progress?.State) switch
        {
            (OrchestrationRuntimeStatus.Terminated, _) => JobStates.Cancelled,
            (OrchestrationRuntimeStatus.Failed, _) => JobStates.Failed,
            (_, null) => JobStates.Queued,
            (_, var s) => s,
        };
        return new JobStatus
        {
            Id = jobId,
            State = state,
            Input = progress?.Input ?? start?.Blob ?? "",
            InputContainer = progress?.InputContainer ?? start?.Container ?? storage.Options.InputContainer,
            Model = progress?.Model,
            DurationSeconds = progress?.DurationSeconds,
            ChunksDone = (progress?.ChunksDone ?? 0) + batchDone,
            ChunksTotal = progress?.ChunksTotal ?? 0,
            Timings = progress?.Timings ?? new JobTimings { CreatedAt = instance.CreatedAt },
            OutputContainer = storage.Options.OutputContainer,
            Outputs = progress?.Outputs ?? [],
            // A failure the orchestrator did not get to describe (it crashed itself) still says why.
            Error = progress?.Error ?? (state == JobStates.Failed ? instance.FailureDetails?.ErrorMessage : null),
            FailedChunks = progress?.FailedChunk is { } c ? [new ChunkStatus(c.Index, JobStates.Failed, c.Attempts, c.Reason)] : null,
        };
    }

    /// <summary>The job of an input blob as it is now (its current ETag), else the last job its status document names.</summary>
    public async Task<JobStatus?> FindByInputAsync(DurableTaskClient client, string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var props = (await storage.Input.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (await GetAsync(client, JobIds.For(storage.Options.InputContainer, blobName, props.ETag.ToString()), cancellationToken).ConfigureAwait(false) is { } current)
            {
                return current;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        var document = await documents.TryReadAsync(blobName, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }
        return await GetAsync(client, document.Id, cancellationToken).ConfigureAwait(false) ?? document;
    }
}
