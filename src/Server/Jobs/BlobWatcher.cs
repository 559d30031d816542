using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Server.Jobs;

/// <summary>
/// Local stand-in for a blob trigger: lists the input container every Pipeline:WatchInterval and plans every
/// blob it has not seen in its current version. The idempotency key is the job manifest (input name + ETag),
/// so a restart re-checks each blob once and never plans one twice; a failed plan is retried on the next
/// listing, up to Pipeline:MaxAttempts, and then recorded as a failed job.
/// </summary>
public sealed class BlobWatcher(PipelineSteps steps, IOptions<PipelineOptions> options, ILogger<BlobWatcher> logger) : BackgroundService
{
    private readonly PipelineOptions _options = options.Value;
    // name + ETag of blobs whose job exists and went past planning; the manifest stays the truth.
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await steps.Storage.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
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
        await foreach (var blob in steps.Storage.Input.GetBlobsAsync(cancellationToken: stoppingToken).ConfigureAwait(false))
        {
            if (JobRequest.IsSidecar(blob.Name))
            {
                continue;
            }
            var key = blob.Name + "\n" + blob.Properties.ETag;
            if (_handled.Contains(key))
            {
                continue;
            }
            try
            {
                var jobId = await steps.PlanAsync(blob.Name, stoppingToken).ConfigureAwait(false);
                if (jobId is not null && await steps.Manifests.TryReadAsync(jobId, stoppingToken).ConfigureAwait(false) is { Manifest.State: not JobState.Planned })
                {
                    _handled.Add(key);
                    _failures.Remove(key);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                int failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
                logger.LogWarning(e, "Planning {Blob} failed (attempt {Attempt} of {Max})", blob.Name, failures, _options.MaxAttempts);
                if (failures >= _options.MaxAttempts)
                {
                    await steps.RecordPlanFailureAsync(blob.Name, $"planning failed {failures} times: {e.Message}", stoppingToken).ConfigureAwait(false);
                    _failures.Remove(key);
                }
            }
        }
    }
}
