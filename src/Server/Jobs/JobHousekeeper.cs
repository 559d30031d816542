using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Server.Jobs;

/// <summary>Purges ended jobs older than Pipeline:RetainJobsFor every Pipeline:HousekeepingInterval (Azure: the JobHousekeeping timer function).</summary>
public sealed class JobHousekeeper(JobHousekeeping housekeeping, DurableTaskClient client, IOptions<PipelineOptions> options, ILogger<JobHousekeeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await housekeeping.PurgeAsync(client, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Purging ended jobs failed; trying again in {Interval}", options.Value.HousekeepingInterval);
            }
            try
            {
                await Task.Delay(options.Value.HousekeepingInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
