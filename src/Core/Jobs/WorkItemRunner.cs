using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Runs one queue message through its step with the failure rules: the message stays invisible while it is
/// worked on (renewed), is deleted on success, becomes visible again after a growing backoff on failure,
/// and after <see cref="PipelineOptions.MaxAttempts"/> deliveries goes to the poison queue (with the reason)
/// while the job is marked Failed. Nothing is dropped silently.
/// </summary>
public sealed class WorkItemRunner(PipelineSteps steps, IOptions<PipelineOptions> options, ILogger<WorkItemRunner> logger)
{
    private readonly PipelineOptions _options = options.Value;

    public async Task ProcessAsync(QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        ChunkWorkItem item;
        try
        {
            item = ChunkWorkItem.Parse(message.MessageText);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            await PoisonAsync(queue, message, message.PopReceipt, null, $"Unreadable work item: {e.Message}", stoppingToken).ConfigureAwait(false);
            return;
        }

        if (message.DequeueCount > _options.MaxAttempts)
        {
            // Delivered again and again without finishing (e.g. the process dies while working on it).
            await PoisonAsync(queue, message, message.PopReceipt, item, $"delivered {message.DequeueCount} times without completing", stoppingToken).ConfigureAwait(false);
            return;
        }

        var receipt = new Receipt(message.PopReceipt);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(queue, message, receipt, work.Token);
        try
        {
            if (item.Index == PipelineSteps.StitchIndex)
            {
                await steps.StitchAsync(item.JobId, work.Token).ConfigureAwait(false);
            }
            else
            {
                await steps.TranscribeChunkAsync(item, message.DequeueCount, work.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            await work.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            var reason = e is Api.ApiError api ? $"{api.Status} {api.Code}: {api.Message}" : $"{e.GetType().Name}: {e.Message}";
            if (message.DequeueCount >= _options.MaxAttempts)
            {
                await PoisonAsync(queue, message, receipt.Value, item, reason, stoppingToken).ConfigureAwait(false);
                return;
            }
            var delay = _options.RetryDelay(message.DequeueCount, (e as Api.ApiError)?.RetryAfter);
            logger.LogWarning(e, "Work item {JobId}/{Index} failed (attempt {Attempt} of {Max}); retry in {Delay}: {Reason}",
                item.JobId, item.Index, message.DequeueCount, _options.MaxAttempts, delay, reason);
            await TryAsync(() => steps.RecordAttemptAsync(item, reason, message.DequeueCount, stoppingToken)).ConfigureAwait(false);
            await TryAsync(() => queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: delay, cancellationToken: stoppingToken))
                .ConfigureAwait(false);
            return;
        }
        await work.CancelAsync().ConfigureAwait(false);
        await renewal.ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return; // Shutting down mid-step: the message reappears after its visibility timeout.
        }
        await TryAsync(() => queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None)).ConfigureAwait(false);
    }

    private async Task PoisonAsync(QueueClient queue, QueueMessage message, string popReceipt, ChunkWorkItem? item, string reason, CancellationToken cancellationToken)
    {
        logger.LogError("Work item {Message} goes to the poison queue after {Count} deliveries: {Reason}", message.MessageText, message.DequeueCount, reason);
        var poison = System.Text.Json.JsonSerializer.Serialize(new PoisonRecord(queue.Name, message.MessageText, message.DequeueCount, reason,
            DateTimeOffset.UtcNow), JobJson.Options);
        await steps.Storage.PoisonQueue.SendMessageAsync(poison, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (item is not null)
        {
            await steps.FailJobAsync(item, reason, message.DequeueCount, cancellationToken).ConfigureAwait(false);
        }
        await TryAsync(() => queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None)).ConfigureAwait(false);
    }

    /// <summary>Keeps the message invisible while the step runs (a local chunk can take longer than the timeout).</summary>
    private async Task RenewAsync(QueueClient queue, QueueMessage message, Receipt receipt, CancellationToken cancellationToken)
    {
        var every = _options.VisibilityTimeout / 2;
        try
        {
            while (true)
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                var updated = await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _options.VisibilityTimeout,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                receipt.Value = updated.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("Could not extend the visibility of work item {Id}: {Status} {Message}", message.MessageId, e.Status, e.Message);
        }
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or InvalidOperationException or OperationCanceledException)
        {
            logger.LogWarning("Queue/manifest bookkeeping failed (the message will be redelivered): {Message}", e.Message);
        }
    }

    private sealed class Receipt(string value)
    {
        public string Value { get; set; } = value;
    }

    /// <summary>What the poison queue holds: where the item came from, the item itself, how often it was tried, and why it failed.</summary>
    public sealed record PoisonRecord(string Queue, string Message, long DequeueCount, string Reason, DateTimeOffset At);
}
