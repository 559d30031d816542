using Microsoft.DurableTask;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// One recording from plan to transcripts: plan (decode once, cut at silences, chunk blobs) → the chunks in
/// batches of sub-orchestrations (<see cref="ChunkBatchOrchestrator"/>) → stitch; any failure goes through the
/// one failure step, which records the reason and writes the status document. Progress is the custom status.
/// Deterministic: it reads only its input, activity results and the orchestration clock, and passes blob names and
/// offsets, never audio or transcripts. The same class runs under Durable Functions and under the local server's
/// Durable Task worker.
/// </summary>
public sealed class TranscriptionJobOrchestrator : TaskOrchestrator<JobStart, string>
{
    public const string Name = "TranscriptionJob";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, JobStart start)
    {
        var timings = new JobTimings { CreatedAt = context.CurrentUtcDateTime };
        var progress = new JobProgress { State = JobStates.Planning, Input = start.Blob, InputContainer = start.Container, Timings = timings };
        context.SetCustomStatus(progress);

        var planRetry = new JobRetryPolicy(start.Run);
        JobPlan plan;
        try
        {
            plan = await context.CallActivityAsync<JobPlan>(PlanJobActivity.Name, start, planRetry.Options());
        }
        catch (TaskFailedException e)
        {
            return await FailAsync(context, start, progress, null, $"planning failed after {planRetry.Attempts} attempt(s): {e.FailureDetails.ErrorMessage}", null);
        }
        if (plan.Rejection is { } rejection)
        {
            return await FailAsync(context, start, progress, plan.Settings, rejection, null);
        }
        var settings = plan.Settings!;
        timings = timings with { PlannedAt = context.CurrentUtcDateTime, DecodeSeconds = plan.DecodeSeconds, PlanSeconds = plan.PlanSeconds };
        progress = progress with
        {
            State = JobStates.Transcribing, Model = settings.Model, DurationSeconds = plan.DurationSeconds, ChunksTotal = plan.Chunks.Count, Timings = timings,
        };

        int done = 0;
        var batches = plan.Chunks.Chunk(start.Run.BatchSize).ToList();
        for (int b = 0; b < batches.Count; b++)
        {
            progress = progress with { ChunksDone = done, CurrentBatch = b };
            context.SetCustomStatus(progress);
            var outcome = await context.CallSubOrchestratorAsync<BatchOutcome>(ChunkBatchOrchestrator.Name,
                new ChunkBatch(start.JobId, settings, batches[b], start.Run, PreviousDone: done > 0),
                new SubOrchestrationOptions { InstanceId = JobIds.Batch(start.JobId, b) });
            done += outcome.ChunksDone;
            if (outcome.Failure is { } failure)
            {
                progress = progress with { ChunksDone = done, CurrentBatch = null };
                return await FailAsync(context, start, progress, settings,
                    $"chunk {failure.Index} failed after {failure.Attempts} attempt(s): {failure.Reason}", failure);
            }
        }

        timings = timings with { TranscribedAt = context.CurrentUtcDateTime };
        progress = progress with { State = JobStates.Stitching, ChunksDone = done, CurrentBatch = null, Timings = timings };
        context.SetCustomStatus(progress);
        var stitchRetry = new JobRetryPolicy(start.Run);
        StitchDone stitched;
        try
        {
            stitched = await context.CallActivityAsync<StitchDone>(StitchJobActivity.Name,
                new StitchWork(start, settings, plan.DurationSeconds, plan.Chunks, timings), stitchRetry.Options());
        }
        catch (TaskFailedException e)
        {
            return await FailAsync(context, start, progress, settings, $"stitching failed after {stitchRetry.Attempts} attempt(s): {e.FailureDetails.ErrorMessage}", null);
        }
        context.SetCustomStatus(progress with
        {
            State = JobStates.Completed, Outputs = stitched.Outputs, Timings = timings with { CompletedAt = context.CurrentUtcDateTime },
        });
        return JobStates.Completed;
    }

    /// <summary>
    /// The one failure path: the failure step records why and writes the status document, then the orchestration
    /// fails too, so Durable's own tools show it as failed. If even the failure step cannot run, the custom status
    /// still says failed, with the reason.
    /// </summary>
    private static async Task<string> FailAsync(TaskOrchestrationContext context, JobStart start, JobProgress progress, JobSettings? settings,
        string reason, ChunkFailure? chunk)
    {
        var timings = progress.Timings with { FailedAt = context.CurrentUtcDateTime };
        var failed = progress with { State = JobStates.Failed, Error = reason, FailedChunk = chunk, Model = settings?.Model ?? progress.Model, Timings = timings };
        context.SetCustomStatus(failed);
        try
        {
            await context.CallActivityAsync(FailJobActivity.Name,
                new FailWork(start, settings, reason, chunk, progress.DurationSeconds, progress.ChunksTotal, progress.ChunksDone, timings),
                new JobRetryPolicy(start.Run).Options());
        }
        catch (TaskFailedException e)
        {
            context.SetCustomStatus(failed with { Error = $"{reason} (recording the failure failed too: {e.FailureDetails.ErrorMessage})" });
        }
        throw new JobFailedException(reason);
    }
}
