
using SpeechToText.Core.Observability;

namespace SpeechToText.Core.Jobs;

/// <summary>One span ("stt.pipeline.step", tagged with the step) and one duration record per step run, whichever host runs it.</summary>
internal static class JobStepTelemetry
{
    public static async Task<T> RunAsync<T>(string step, Func<Task<T>> work)
    {
        using var operation = SttTelemetry.Start("stt.pipeline.step", SttTelemetry.PipelineStepDuration).Tag("step", step);
        return await operation.RunAsync(work).ConfigureAwait(false);
    }
}
