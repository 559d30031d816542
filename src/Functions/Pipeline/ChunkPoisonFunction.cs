using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace SpeechToText.Functions.Pipeline;

/// <summary>
/// The Functions host moves a chunk message here after host.json's maxDequeueCount deliveries that never
/// completed (the worker died each time) or that could not be parsed: the job fails with the reason.
/// </summary>
public sealed class ChunkPoisonFunction(WorkItemDelivery delivery)
{
    [Function("ChunkPoison")]
    public Task Run([QueueTrigger(PipelineBindings.ChunkQueue + "-poison", Connection = PipelineBindings.Connection)] QueueMessage message,
        CancellationToken cancellationToken) =>
        delivery.AbandonedAsync(PipelineBindings.ChunkQueue, message, cancellationToken);
}
