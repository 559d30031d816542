using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Realtime;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>
/// The middleware in front of every endpoint, in the one order both hosts use: response headers, CORS (only where
/// the host runs it), metering, the error envelope, the API-key check and the per-key limits. Metering sits outside
/// the error handler and the key check so usage sees the status the client got, 401s and 429s included.
/// </summary>
public static class ApiPipeline
{
    /// <summary>
    /// <paramref name="endpoint"/> behind the chain, built from <paramref name="services"/> (singletons only).
    /// <paramref name="cors"/> wraps what follows the response headers (src/Server's ASP.NET Core CORS middleware);
    /// Azure Functions leaves it out: its CORS is the platform's (the function app's CORS setting).
    /// </summary>
    public static RequestDelegate Build(IServiceProvider services, RequestDelegate endpoint, Func<RequestDelegate, RequestDelegate>? cors = null)
    {
        var keys = services.GetRequiredService<ApiKeyValidator>();
        RequestDelegate next = new KeyLimitsMiddleware(endpoint, services.GetRequiredService<KeyLimiter>(), keys).InvokeAsync;
        next = new ApiKeyMiddleware(next, keys, services.GetService<RealtimeClientSecrets>()).InvokeAsync;
        next = new ApiErrorMiddleware(next, services.GetRequiredService<ILogger<ApiErrorMiddleware>>()).InvokeAsync;
        next = new UsageMiddleware(next, services.GetRequiredService<UsageRecorder>(), keys, services.GetRequiredService<TimeProvider>()).InvokeAsync;
        if (cors is not null)
        {
            next = cors(next);
        }
        return new ResponseHeadersMiddleware(next).InvokeAsync;
    }
}
