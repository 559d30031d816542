using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Server.Jobs;

/// <summary>
/// Local stand-in for a queue trigger: <c>concurrency</c> loops each take one message at a time from the queue
/// and hand it to <see cref="WorkItemRunner"/> (retries, backoff and poison handling live there, in Core).
/// </summary>
public abstract class QueueWorker(WorkItemRunner runner, IOptions<PipelineOptions> options, ILogger logger) : BackgroundService
{
    private readonly PipelineOptions _options = options.Value;

    protected abstract QueueClient Queue { get; }

    /// <summary>Parallel receive loops (Pipeline:WorkerConcurrency for chunks, one for stitches).</summary>
    protected virtual int Concurrency => _options.WorkerConcurrency;

    protected abstract JobStorage Storage { get; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Storage.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                var received = await Queue.ReceiveMessageAsync(_options.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                if (received.Value is { } message)
                {
                    await runner.ProcessAsync(Queue, message, stoppingToken).ConfigureAwait(false);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Queue {Queue}: receive or bookkeeping failed", Queue.Name);
            }
            try
            {
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

public sealed class ChunkQueueWorker(JobStorage storage, WorkItemRunner runner, IOptions<PipelineOptions> options, ILogger<ChunkQueueWorker> logger)
    : QueueWorker(runner, options, logger)
{
    protected override QueueClient Queue => storage.ChunkQueue;

    protected override JobStorage Storage => storage;
}

public sealed class StitchQueueWorker(JobStorage storage, WorkItemRunner runner, IOptions<PipelineOptions> options, ILogger<StitchQueueWorker> logger)
    : QueueWorker(runner, options, logger)
{
    protected override QueueClient Queue => storage.StitchQueue;

    protected override int Concurrency => 1;

    protected override JobStorage Storage => storage;
}
