using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace SpeechToText.Functions.Pipeline;

/// <summary>As <see cref="ChunkPoisonFunction"/>, for the stitch queue.</summary>
public sealed class StitchPoisonFunction(WorkItemDelivery delivery)
{
    [Function("StitchPoison")]
    public Task Run([QueueTrigger(PipelineBindings.StitchQueue + "-poison", Connection = PipelineBindings.Connection)] QueueMessage message,
        CancellationToken cancellationToken) =>
        delivery.AbandonedAsync(PipelineBindings.StitchQueue, message, cancellationToken);
}
