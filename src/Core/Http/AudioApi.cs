using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>The HTTP surface on ASP.NET Core (src/Server): OpenAI's audio endpoints, the model list and /health.</summary>
public static class AudioApi
{
    public const string TranscriptionsPath = "/v1/audio/transcriptions";
    public const string TranslationsPath = "/v1/audio/translations";

    /// <summary>Puts <see cref="ApiPipeline"/> in front of every endpoint, with ASP.NET Core's CORS when origins are configured.</summary>
    public static IApplicationBuilder UseAudioApi(this IApplicationBuilder app)
    {
        // Build the catalog now: a misconfigured model list (duplicate ids, unknown fallbacks) stops the start.
        app.ApplicationServices.GetRequiredService<ModelCatalog>();
        Func<RequestDelegate, RequestDelegate>? cors = null;
        if (app.ApplicationServices.GetRequiredService<IOptions<CorsSettings>>().Value.Enabled)
        {
            // Preflights are answered here, before the key check: browsers send them without credentials.
            cors = next => app.New().UseCors().Use(_ => next).Build();
        }
        return app.Use(next => ApiPipeline.Build(app.ApplicationServices, next, cors));
    }

    public static IEndpointRouteBuilder MapAudioApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TranscriptionsPath, (HttpContext ctx, TranscriptionHandler handler) => handler.HandleAsync(ctx, TranscriptionTask.Transcribe))
            .WithMetadata(ApiEndpointInfo.Metered(UsageRecord.Transcription));
        endpoints.MapPost(TranslationsPath, (HttpContext ctx, TranscriptionHandler handler) => handler.HandleAsync(ctx, TranscriptionTask.Translate))
            .WithMetadata(ApiEndpointInfo.Metered(UsageRecord.Translation));
        endpoints.MapGet("/v1/models", (HttpContext ctx, ModelsEndpoints models) => models.ListAsync(ctx));
        endpoints.MapGet("/v1/models/{id}", (HttpContext ctx, ModelsEndpoints models, string id) => models.OneAsync(ctx, id));
        endpoints.MapGet("/health", (HttpContext ctx, ModelsEndpoints models) => models.HealthAsync(ctx)).WithMetadata(ApiEndpointInfo.Open);
        return endpoints;
    }

    /// <summary>
    /// Runs one endpoint behind <see cref="ApiPipeline"/>, for hosts whose HTTP entry points are not ASP.NET Core
    /// endpoints (Azure Functions, whose CORS is the platform's, so Cors:AllowedOrigins does not apply there), with the
    /// <see cref="ApiEndpointInfo"/> an ASP.NET Core endpoint would carry as metadata.
    /// </summary>
    public static Task InvokeAsync(HttpContext ctx, RequestDelegate endpoint, ApiEndpointInfo? info = null)
    {
        if (info is not null)
        {
            ctx.Features.Set(info);
        }
        return ApiPipeline.Build(ctx.RequestServices, endpoint)(ctx);
    }
}
