using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Http;

namespace SpeechToText.Functions.Http;

/// <summary>GET /health: whether the local model is loaded (and why not), engine slots and queue.</summary>
public sealed class HealthFunction(ModelsEndpoints models)
{
    [Function("Health")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        AudioApi.InvokeAsync(request.HttpContext, models.HealthAsync, ApiEndpointInfo.Open);
}
