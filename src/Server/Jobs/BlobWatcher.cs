using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Storage;

namespace SpeechToText.Server.Jobs;

/// <summary>
/// Local stand-in for Event Grid: lists the input container every Pipeline:WatchInterval and schedules the job of
/// every blob version it has not seen. Scheduling is idempotent (the instance id comes from the name and ETag), so
/// after a restart each blob is looked at once more and nothing is scheduled twice.
/// </summary>
public sealed class BlobWatcher(JobStorage storage, JobScheduler scheduler, DurableTaskClient client, IOptions<PipelineOptions> options,
    ILogger<BlobWatcher> logger) : BackgroundService
{
    private readonly PipelineOptions _options = options.Value;
    // name + ETag of blob versions whose job exists; the task hub stays the truth.
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listing the input container failed; trying again in {Interval}", _options.WatchInterval);
            }
            try
            {
                await Task.Delay(_options.WatchInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        await foreach (var blob in storage.Input.GetBlobsAsync(cancellationToken: stoppingToken).ConfigureAwait(false))
        {
            if (JobRequest.IsSidecar(blob.Name) || !_seen.Add(blob.Name + "\n" + blob.Properties.ETag))
            {
                continue;
            }
            try
            {
                await scheduler.ScheduleAsync(client, blob.Name, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Not seen after all: the next listing tries again.
                _seen.Remove(blob.Name + "\n" + blob.Properties.ETag);
                logger.LogWarning(e, "Scheduling the job of {Blob} failed; trying again at the next listing", blob.Name);
            }
        }
    }
}
