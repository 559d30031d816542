using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Pipeline;

/// <summary>One chunk work item → the pipeline's transcribe step. The platform scales instances on this queue.</summary>
public sealed class TranscribeChunkFunction(PipelineSteps steps, WorkItemDelivery delivery)
{
    [Function("TranscribeChunk")]
    public Task Run([QueueTrigger(PipelineBindings.ChunkQueue, Connection = PipelineBindings.Connection)] QueueMessage message,
        CancellationToken cancellationToken) =>
        delivery.RunAsync(message, item => steps.TranscribeChunkAsync(item, message.DequeueCount, cancellationToken), cancellationToken);
}
