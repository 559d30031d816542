using Microsoft.DurableTask;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Transcribes one batch of a job's chunks, at most <see cref="JobRunSettings.MaxChunksInFlight"/> at a time,
/// in index order. A chunk gets the previous chunk's last sentence as prompt when that chunk was already done
/// when this one was scheduled; the decision is taken from the orchestration's own history, so a replay makes it
/// the same way. The first chunk that fails for good ends the batch with its index, attempts and reason.
/// </summary>
public sealed class ChunkBatchOrchestrator : TaskOrchestrator<ChunkBatch, BatchOutcome>
{
    public const string Name = "TranscriptionJobChunks";

    public override async Task<BatchOutcome> RunAsync(TaskOrchestrationContext context, ChunkBatch batch)
    {
        var done = new HashSet<int>();
        var running = new Dictionary<Task<ChunkDone>, (ChunkPlan Chunk, JobRetryPolicy Retry)>();
        int next = 0;
        context.SetCustomStatus(new BatchProgress(0, batch.Chunks.Count));
        while (next < batch.Chunks.Count || running.Count > 0)
        {
            while (running.Count < batch.Run.MaxChunksInFlight && next < batch.Chunks.Count)
            {
                var chunk = batch.Chunks[next];
                bool previousDone = chunk.Index > 0 && (done.Contains(chunk.Index - 1) || (next == 0 && batch.PreviousDone));
                var retry = new JobRetryPolicy(batch.Run);
                running[context.CallActivityAsync<ChunkDone>(TranscribeChunkActivity.Name,
                    new ChunkWork(batch.JobId, batch.Settings, chunk, previousDone), retry.Options())] = (chunk, retry);
                next++;
            }
            var finished = await Task.WhenAny(running.Keys);
            var (plan, policy) = running[finished];
            running.Remove(finished);
            try
            {
                done.Add((await finished).Index);
            }
            catch (TaskFailedException e)
            {
                return new BatchOutcome(done.Count, new ChunkFailure(plan.Index, policy.Attempts, e.FailureDetails.ErrorMessage));
            }
            context.SetCustomStatus(new BatchProgress(done.Count, batch.Chunks.Count));
        }
        return new BatchOutcome(done.Count, null);
    }
}
