using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Pipeline;

/// <summary>
/// A recording lands in the input container → the pipeline's plan step (chunks, manifest, work items).
/// Event Grid delivers BlobCreated to the blobs extension webhook (the only blob trigger source on Flex
/// Consumption); infra/app/eventgrid.bicep subscribes it. Sidecars and vanished blobs are ignored by the step.
/// </summary>
public sealed class PlanJobFunction(PipelineSteps steps)
{
    [Function("PlanJob")]
    public Task Run(
        [BlobTrigger(PipelineBindings.InputContainer + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = PipelineBindings.Connection)] BlobClient blob,
        CancellationToken cancellationToken) =>
        steps.PlanAsync(blob.Name, cancellationToken);
}
