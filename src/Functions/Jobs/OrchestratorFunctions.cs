using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Jobs;

/// <summary>
/// Core's orchestrators as Durable Functions. The [DurableTask] source generator that would write these is not
/// available here, so each is one line by hand: the same class the local server runs, over the function's context.
/// </summary>
public sealed class OrchestratorFunctions
{
    [Function(TranscriptionJobOrchestrator.Name)]
    public Task<string> TranscriptionJob([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new TranscriptionJobOrchestrator().RunAsync(context, context.GetInput<JobStart>()!);

    [Function(ChunkBatchOrchestrator.Name)]
    public Task<BatchOutcome> TranscriptionJobChunks([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ChunkBatchOrchestrator().RunAsync(context, context.GetInput<ChunkBatch>()!);
}
