using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Jobs;

/// <summary>
/// A recording lands in the input container → its job is scheduled: one orchestration instance per blob version, so
/// a duplicate event does nothing. Event Grid delivers BlobCreated to the blobs extension webhook (the only blob
/// trigger source on Flex Consumption); infra/app/blob-subscription.bicep subscribes it.
/// </summary>
public sealed class NewRecordingFunction(JobScheduler scheduler)
{
    [Function(JobFunctionNames.NewRecording)]
    public Task Run(
        [BlobTrigger(JobFunctionNames.InputContainer + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = JobFunctionNames.Connection)] BlobClient blob,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        scheduler.ScheduleAsync(client, blob.Name, cancellationToken);
}
