using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SpeechToText.Core.Http;

namespace SpeechToText.Functions.Http;

/// <summary>Core's job endpoints (JobsEndpoints), answered from Durable Functions' client.</summary>
public sealed class TranscriptionJobFunction(JobsEndpoints jobs)
{
    [Function("TranscriptionJobStatus")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transcription-jobs/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => jobs.JobAsync(ctx, client, id));

    [Function("TranscriptionJobStatusByInput")]
    public Task ByInput([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transcription-jobs")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => jobs.JobByInputAsync(ctx, client));

    [Function("CancelTranscriptionJob")]
    public Task Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/transcription-jobs/{id}/cancel")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => jobs.CancelAsync(ctx, client, id));

    [Function("DeleteTranscriptionJob")]
    public Task Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/transcription-jobs/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => jobs.DeleteAsync(ctx, client, id));
}
