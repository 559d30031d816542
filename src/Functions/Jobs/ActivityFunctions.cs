using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Jobs;

/// <summary>Core's activities as Durable Functions: each resolves its class from the function's services and runs it.</summary>
public sealed class ActivityFunctions
{
    [Function(PlanJobActivity.Name)]
    public Task<JobPlan> PlanJob([ActivityTrigger] JobStart input, FunctionContext function) =>
        Run<PlanJobActivity, JobStart, JobPlan>(PlanJobActivity.Name, input, function);

    [Function(TranscribeChunkActivity.Name)]
    public Task<ChunkDone> TranscribeChunk([ActivityTrigger] ChunkWork input, FunctionContext function) =>
        Run<TranscribeChunkActivity, ChunkWork, ChunkDone>(TranscribeChunkActivity.Name, input, function);

    [Function(StitchJobActivity.Name)]
    public Task<StitchDone> StitchJob([ActivityTrigger] StitchWork input, FunctionContext function) =>
        Run<StitchJobActivity, StitchWork, StitchDone>(StitchJobActivity.Name, input, function);

    [Function(FailJobActivity.Name)]
    public Task<bool> FailJob([ActivityTrigger] FailWork input, FunctionContext function) =>
        Run<FailJobActivity, FailWork, bool>(FailJobActivity.Name, input, function);

    private static Task<TOut> Run<TActivity, TIn, TOut>(string name, TIn input, FunctionContext function)
        where TActivity : TaskActivity<TIn, TOut> =>
        function.InstanceServices.GetRequiredService<TActivity>().RunAsync(new FunctionActivityContext(name, function), input);

    /// <summary>What the activity class sees of its invocation: its name and the instance that called it.</summary>
    private sealed class FunctionActivityContext(string name, FunctionContext function) : TaskActivityContext
    {
        public override TaskName Name { get; } = new(name);

        public override string InstanceId { get; } =
            function.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? "" : "";
    }
}
