using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Http;

namespace SpeechToText.Functions.Http;

/// <summary>GET /v1/usage: metered usage per day for admin keys (records of every instance, from the usage blobs).</summary>
public sealed class UsageFunction(UsageEndpoint usage)
{
    [Function("Usage")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/usage")] HttpRequest request) =>
        AudioApi.InvokeAsync(request.HttpContext, usage.HandleAsync);
}
