using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Http;

namespace SpeechToText.Functions.Http;

/// <summary>GET /v1/models and /v1/models/{id}: the one catalog (local whisper and Azure OpenAI deployments).</summary>
public sealed class ModelsFunction(ModelsEndpoints models)
{
    [Function("Models")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models")] HttpRequest request) =>
        AudioApi.InvokeAsync(request.HttpContext, models.ListAsync);

    [Function("Model")]
    public Task One([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models/{id}")] HttpRequest request, string id) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => models.OneAsync(ctx, id));
}
