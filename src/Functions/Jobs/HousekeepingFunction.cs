using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Jobs;

/// <summary>Every hour: purge jobs that ended more than Pipeline:RetainJobsFor ago (their chunks and history; never inputs or transcripts).</summary>
public sealed class HousekeepingFunction(JobHousekeeping housekeeping)
{
    [Function("PurgeEndedJobs")]
    public Task Run([TimerTrigger("0 17 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        housekeeping.PurgeAsync(client, cancellationToken);
}
