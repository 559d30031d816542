using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Pipeline;

/// <summary>A job whose chunks are all done → the pipeline's stitch step (transcripts in every format, status document).</summary>
public sealed class StitchJobFunction(PipelineSteps steps, WorkItemDelivery delivery)
{
    [Function("StitchJob")]
    public Task Run([QueueTrigger(PipelineBindings.StitchQueue, Connection = PipelineBindings.Connection)] QueueMessage message,
        CancellationToken cancellationToken) =>
        delivery.RunAsync(message, item => steps.StitchAsync(item.JobId, cancellationToken), cancellationToken);
}
