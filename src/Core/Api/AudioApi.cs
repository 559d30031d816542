using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Engines;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Api;

/// <summary>The HTTP surface, shared by every host: OpenAI's audio endpoints, the model list and /health.</summary>
public static class AudioApi
{
    public const string TranscriptionsPath = "/v1/audio/transcriptions";
    public const string TranslationsPath = "/v1/audio/translations";

    /// <summary>
    /// Adds the response headers, CORS (only when origins are configured; preflights are answered before the key
    /// check, as browsers send them without credentials), metering, the envelope-writing error handler, the API-key
    /// check and the per-key limits in front of the endpoints, in that order: usage sees the status the client got
    /// (401s and 429s included).
    /// </summary>
    public static IApplicationBuilder UseAudioApi(this IApplicationBuilder app)
    {
        // Build the catalog now: a misconfigured model list (duplicate ids, unknown fallbacks) stops the start.
        app.ApplicationServices.GetRequiredService<ModelCatalog>();
        app.UseMiddleware<ResponseHeadersMiddleware>();
        if (app.ApplicationServices.GetRequiredService<IOptions<CorsSettings>>().Value.Enabled)
        {
            app.UseCors();
        }
        return app.UseMiddleware<UsageMiddleware>().UseMiddleware<ApiErrorMiddleware>().UseMiddleware<ApiKeyMiddleware>()
            .UseMiddleware<KeyLimitsMiddleware>();
    }

    public static IEndpointRouteBuilder MapAudioApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TranscriptionsPath, ctx =>
            ctx.RequestServices.GetRequiredService<TranscriptionHandler>().HandleAsync(ctx, TranscriptionTask.Transcribe));
        endpoints.MapPost(TranslationsPath, ctx =>
            ctx.RequestServices.GetRequiredService<TranscriptionHandler>().HandleAsync(ctx, TranscriptionTask.Translate));
        endpoints.MapGet("/v1/models", ModelsAsync);
        endpoints.MapGet("/v1/models/{id}", (HttpContext ctx, string id) => ModelAsync(ctx, id));
        endpoints.MapGet("/health", HealthAsync);
        return endpoints;
    }

    /// <summary>GET /v1/models: OpenAI's list shape plus backend, formats and capabilities.</summary>
    public static Task ModelsAsync(HttpContext ctx) => WriteJsonAsync(ctx, w => WriteModelList(w, ctx.RequestServices));

    /// <summary>GET /v1/models/{id}: one model object, or OpenAI's model_not_found 404.</summary>
    public static Task ModelAsync(HttpContext ctx, string id)
    {
        var entry = ctx.RequestServices.GetRequiredService<ModelCatalog>().Resolve(id);
        return WriteJsonAsync(ctx, w => WriteModel(w, entry, ctx.RequestServices.GetService<IWhisperEngine>()?.Status));
    }

    /// <summary>GET /health: the local model (loaded, synthetic, or why not) and the engine's slots and queue.</summary>
    public static Task HealthAsync(HttpContext ctx) => WriteJsonAsync(ctx, w => WriteHealth(w, ctx.RequestServices));

    /// <summary>
    /// Runs one endpoint behind the same middleware that <see cref="UseAudioApi"/> puts in front of every endpoint,
    /// for hosts whose HTTP entry points are not ASP.NET Core endpoints (Azure Functions, whose CORS is the
    /// platform's: the function app's CORS setting, so Cors:AllowedOrigins does not apply there).
    /// </summary>
    public static Task InvokeAsync(HttpContext ctx, RequestDelegate endpoint)
    {
        var services = ctx.RequestServices;
        var validator = services.GetRequiredService<ApiKeyValidator>();
        var limits = new KeyLimitsMiddleware(endpoint, services.GetRequiredService<KeyLimiter>(), validator);
        var keys = new ApiKeyMiddleware(limits.InvokeAsync, validator);
        var errors = new ApiErrorMiddleware(keys.InvokeAsync, services.GetRequiredService<ILogger<ApiErrorMiddleware>>());
        var usage = new UsageMiddleware(errors.InvokeAsync, services.GetRequiredService<UsageRecorder>(), validator,
            services.GetRequiredService<TimeProvider>());
        return new ResponseHeadersMiddleware(usage.InvokeAsync).InvokeAsync(ctx);
    }

    private static async Task WriteJsonAsync(HttpContext ctx, Action<Utf8JsonWriter> write)
    {
        var body = TranscriptionWriter.Json(write);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteModelList(Utf8JsonWriter w, IServiceProvider services)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        var engine = services.GetService<IWhisperEngine>()?.Status;
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var entry in catalog.All)
        {
            WriteModel(w, entry, engine);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>OpenAI's model object plus what this service adds: backend, kind and capabilities.</summary>
    private static void WriteModel(Utf8JsonWriter w, ModelEntry entry, WhisperEngineStatus? engine)
    {
        var caps = entry.Capabilities;
        w.WriteStartObject();
        w.WriteString("id", entry.Id);
        w.WriteString("object", "model");
        w.WriteNumber("created", 1_700_000_000);
        w.WriteString("owned_by", entry.Backend == BackendKind.Local ? "local" : "azure-openai");
        w.WriteString("backend", entry.Backend.WireName());
        w.WriteString("kind", entry.Kind switch
        {
            ModelKind.Whisper => "whisper",
            ModelKind.Gpt4oTranscribe => "gpt-4o-transcribe",
            ModelKind.Gpt4oMiniTranscribe => "gpt-4o-mini-transcribe",
            _ => "gpt-4o-transcribe-diarize",
        });
        if (entry.Description is not null)
        {
            w.WriteString("description", entry.Description);
        }
        WriteFormats(w, "response_formats", caps.TranscriptionFormats);
        WriteFormats(w, "translation_formats", caps.TranslationFormats);
        w.WriteBoolean("streaming", caps.Streaming);
        w.WriteBoolean("timestamp_granularities", caps.TimestampGranularities);
        w.WriteBoolean("logprobs", caps.Logprobs);
        w.WriteBoolean("prompt", caps.Prompt);
        if (caps.MaxAudioSeconds is { } max)
        {
            w.WriteNumber("max_audio_seconds", max);
        }
        if (entry.Fallbacks.Count > 0)
        {
            w.WriteStartArray("fallbacks");
            foreach (var f in entry.Fallbacks)
            {
                w.WriteStringValue(f);
            }
            w.WriteEndArray();
        }
        if (entry.Backend == BackendKind.Local && engine is not null)
        {
            w.WriteBoolean("available", engine.ModelLoaded);
            w.WriteBoolean("synthetic_model", engine.IsSyntheticModel);
            if (engine.IsSyntheticModel)
            {
                w.WriteString("warning", "Generated test model with random weights: its output text is meaningless.");
            }
        }
        w.WriteEndObject();
    }

    private static void WriteFormats(Utf8JsonWriter w, string name, IEnumerable<ResponseFormat> formats)
    {
        w.WriteStartArray(name);
        foreach (var f in formats.Order())
        {
            w.WriteStringValue(f.ToWire());
        }
        w.WriteEndArray();
    }

    private static void WriteHealth(Utf8JsonWriter w, IServiceProvider services)
    {
        var engine = services.GetService<IWhisperEngine>()?.Status;
        w.WriteStartObject();
        w.WriteString("status", engine is null || engine.ModelLoaded ? "ok" : "degraded");
        if (engine is not null)
        {
            w.WriteStartObject("local_model");
            w.WriteBoolean("loaded", engine.ModelLoaded);
            w.WriteString("path", engine.ModelPath);
            w.WriteString("type", engine.ModelType);
            w.WriteBoolean("synthetic", engine.IsSyntheticModel);
            w.WriteBoolean("multilingual", engine.IsMultilingual);
            if (engine.LoadError is not null)
            {
                w.WriteString("error", engine.LoadError);
            }
            w.WriteBoolean("vad", engine.VadAvailable);
            w.WriteEndObject();
            w.WriteStartObject("engine");
            w.WriteNumber("slots_total", engine.SlotsTotal);
            w.WriteNumber("slots_busy", engine.SlotsBusy);
            w.WriteNumber("slots_free", Math.Max(0, engine.SlotsTotal - engine.SlotsBusy));
            w.WriteNumber("threads_per_slot", engine.ThreadsPerSlot);
            w.WriteNumber("queue_length", engine.QueueLength);
            w.WriteNumber("queue_capacity", engine.QueueCapacity);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
