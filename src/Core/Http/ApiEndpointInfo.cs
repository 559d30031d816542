using Microsoft.AspNetCore.Http;

namespace SpeechToText.Core.Http;

/// <summary>
/// What an endpoint opts into, read by <see cref="ApiPipeline"/>'s middleware instead of comparing paths: the usage
/// operation it is metered as (metered endpoints are also the ones the per-key limits apply to), and whether it
/// answers without an API key. On ASP.NET Core it is endpoint metadata; an Azure Functions trigger passes it to
/// <see cref="AudioApi.InvokeAsync"/>, which sets it as a request feature.
/// </summary>
public sealed record ApiEndpointInfo
{
    /// <summary>The usage record's operation (UsageRecord.Transcription, ...), or null when not metered.</summary>
    public string? MeteredAs { get; init; }

    public bool OpenWithoutKey { get; init; }

    /// <summary>Whether a realtime client secret (ek_…) opens it as well as an API key: GET /v1/realtime only.</summary>
    public bool AcceptsClientSecret { get; init; }

    /// <summary>The realtime WebSocket endpoint: a key or a client secret; metered per turn by the session, not per call.</summary>
    public static readonly ApiEndpointInfo Realtime = new() { AcceptsClientSecret = true };

    /// <summary>/health: orchestrators probe it without credentials.</summary>
    public static readonly ApiEndpointInfo Open = new() { OpenWithoutKey = true };

    public static ApiEndpointInfo Metered(string operation) => new() { MeteredAs = operation };

    /// <summary>The info of this request's endpoint: the request feature a host set, else the matched endpoint's metadata.</summary>
    public static ApiEndpointInfo? Of(HttpContext context) =>
        context.Features.Get<ApiEndpointInfo>() ?? context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointInfo>();
}
