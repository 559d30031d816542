using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Api;
using SpeechToText.Core.Jobs;

namespace SpeechToText.Functions.Http;

/// <summary>
/// GET /v1/transcription-jobs/{id} and GET /v1/transcription-jobs?input=&lt;blob name&gt;: a blob job's status
/// document, from the pipeline's manifest.
/// </summary>
public sealed class TranscriptionJobFunction
{
    [Function("TranscriptionJob")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transcription-jobs/{id}")] HttpRequest request, string id) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => JobsApi.JobAsync(ctx, id));

    [Function("TranscriptionJobByInput")]
    public Task ByInput([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transcription-jobs")] HttpRequest request) =>
        AudioApi.InvokeAsync(request.HttpContext, JobsApi.JobByInputAsync);
}
