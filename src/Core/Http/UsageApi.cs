using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SpeechToText.Core.Http;

/// <summary>GET /v1/usage: metered usage per day, for admin keys (anyone when auth is off, which means loopback only).</summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/usage", (HttpContext ctx, UsageEndpoint usage) => usage.HandleAsync(ctx));
        return endpoints;
    }
}
