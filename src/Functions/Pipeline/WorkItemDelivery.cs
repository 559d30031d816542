using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Api;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions;

/// <summary>
/// The pipeline's failure rule under the Functions queue trigger, which owns visibility, deletion and retries
/// (host.json: visibilityTimeout, maxDequeueCount = Pipeline:MaxAttempts). A failed attempt is recorded on the
/// chunk and rethrown, so the host redelivers; the last allowed attempt instead writes the reason to the
/// pipeline's poison queue, fails the job and completes, so nothing is dropped silently.
/// </summary>
public sealed class WorkItemDelivery(PipelineSteps steps, IOptions<PipelineOptions> options, ILogger<WorkItemDelivery> logger)
{
    public async Task RunAsync(QueueMessage message, Func<ChunkWorkItem, Task> step, CancellationToken cancellationToken)
    {
        // An unreadable item throws here on every delivery; the host then moves it to <queue>-poison (see AbandonedAsync).
        var item = ChunkWorkItem.Parse(message.MessageText);
        try
        {
            await step(item).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = e is ApiError api ? $"{api.Status} {api.Code}: {api.Message}" : $"{e.GetType().Name}: {e.Message}";
            if (message.DequeueCount < options.Value.MaxAttempts)
            {
                logger.LogWarning(e, "Work item {JobId}/{Index} failed (attempt {Attempt} of {Max}): {Reason}",
                    item.JobId, item.Index, message.DequeueCount, options.Value.MaxAttempts, reason);
                await steps.RecordAttemptAsync(item, reason, message.DequeueCount, cancellationToken).ConfigureAwait(false);
                throw;
            }
            await PoisonAsync(message.MessageText, QueueOf(item), message.DequeueCount, reason, cancellationToken).ConfigureAwait(false);
            await steps.FailJobAsync(item, reason, message.DequeueCount, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A message the host gave up on (moved to &lt;queue&gt;-poison): recorded in the pipeline's poison queue, its job failed.</summary>
    public async Task AbandonedAsync(string queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var reason = $"delivered {options.Value.MaxAttempts} times without completing";
        await PoisonAsync(message.MessageText, queue, options.Value.MaxAttempts, reason, cancellationToken).ConfigureAwait(false);
        ChunkWorkItem item;
        try
        {
            item = ChunkWorkItem.Parse(message.MessageText);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return; // No job to fail: the poison record is all there is.
        }
        await steps.FailJobAsync(item, reason, options.Value.MaxAttempts, cancellationToken).ConfigureAwait(false);
    }

    private string QueueOf(ChunkWorkItem item) =>
        item.Index == PipelineSteps.StitchIndex ? steps.Storage.Options.StitchQueue : steps.Storage.Options.ChunkQueue;

    private async Task PoisonAsync(string message, string queue, long deliveries, string reason, CancellationToken cancellationToken)
    {
        logger.LogError("Work item {Message} goes to the poison queue after {Count} deliveries: {Reason}", message, deliveries, reason);
        var record = JsonSerializer.Serialize(new WorkItemRunner.PoisonRecord(queue, message, deliveries, reason, DateTimeOffset.UtcNow), JobJson.Options);
        await steps.Storage.PoisonQueue.SendMessageAsync(record, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
