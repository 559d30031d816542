using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SpeechToText.Core.Http;

/// <summary>Maps the realtime endpoints (<see cref="RealtimeEndpoints"/>); the host must run ASP.NET Core's WebSocket middleware.</summary>
public static class RealtimeApi
{
    public const string SessionPath = "/v1/realtime";

    public static IEndpointRouteBuilder MapRealtimeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SessionPath, (HttpContext ctx, RealtimeEndpoints realtime) => realtime.SessionAsync(ctx)).WithMetadata(ApiEndpointInfo.Realtime);
        endpoints.MapPost("/v1/realtime/client_secrets", (HttpContext ctx, RealtimeEndpoints realtime) => realtime.ClientSecretAsync(ctx));
        endpoints.MapPost("/v1/realtime/transcription_sessions", (HttpContext ctx, RealtimeEndpoints realtime) => realtime.TranscriptionSessionAsync(ctx));
        return endpoints;
    }
}
