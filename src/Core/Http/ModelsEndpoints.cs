using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Models;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>GET /v1/models, /v1/models/{id} and /health, shared by every host.</summary>
public sealed class ModelsEndpoints(ModelCatalog catalog, IWhisperEngine engine)
{
    /// <summary>The documents' JSON: snake_case from the source generator, characters escaped as in the transcripts.</summary>
    internal static readonly HttpJsonContext Json = new(new JsonSerializerOptions
    {
        Encoder = TranscriptionWriter.JsonOptions.Encoder,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    });

    /// <summary>GET /v1/models: OpenAI's list shape plus backend, formats and capabilities.</summary>
    public Task ListAsync(HttpContext ctx)
    {
        var status = engine.Status;
        return WriteAsync(ctx, new ModelList(catalog.All.Select(e => Document(e, status)).ToList()), Json.ModelList);
    }

    /// <summary>GET /v1/models/{id}: one model object, or OpenAI's model_not_found 404.</summary>
    public Task OneAsync(HttpContext ctx, string id) => WriteAsync(ctx, Document(catalog.Resolve(id), engine.Status), Json.ModelDocument);

    /// <summary>GET /health: the local model (loaded, synthetic, or why not), the engine's slots, queue and CPU variant, and start-up phases.</summary>
    public Task HealthAsync(HttpContext ctx) => WriteAsync(ctx,
        Health(engine.Status) with { StartupMs = StartupTimeline.Phases.ToDictionary(p => p.Key, p => p.Value) }, Json.HealthDocument);

    internal static ModelDocument Document(ModelEntry entry, WhisperEngineStatus? engine)
    {
        var caps = entry.Capabilities;
        bool local = entry.Backend == BackendKind.Local && engine is not null;
        return new ModelDocument
        {
            Id = entry.Id,
            OwnedBy = entry.Backend == BackendKind.Local ? "local" : "azure-openai",
            Backend = entry.Backend.WireName(),
            Kind = entry.Kind.WireName(),
            Description = entry.Description,
            ResponseFormats = caps.TranscriptionFormats.Order().Select(f => f.ToWire()).ToList(),
            TranslationFormats = caps.TranslationFormats.Order().Select(f => f.ToWire()).ToList(),
            Streaming = caps.Streaming,
            TimestampGranularities = caps.TimestampGranularities,
            Logprobs = caps.Logprobs,
            Prompt = caps.Prompt,
            Keywords = caps.Keywords,
            Languages = caps.Languages,
            MaxAudioSeconds = caps.MaxAudioSeconds,
            Fallbacks = entry.Fallbacks.Count > 0 ? entry.Fallbacks : null,
            Available = local ? engine!.ModelLoaded : null,
            SyntheticModel = local ? engine!.IsSyntheticModel : null,
            Warning = local && engine!.IsSyntheticModel ? "Generated test model with random weights: its output text is meaningless." : null,
        };
    }

    internal static HealthDocument Health(WhisperEngineStatus? engine) => engine is null
        ? new HealthDocument("ok", null, null)
        : new HealthDocument(
            engine.ModelLoaded ? "ok" : "degraded",
            new LocalModelHealth(engine.ModelLoaded, engine.ModelPath, engine.ModelType, engine.IsSyntheticModel, engine.IsMultilingual,
                engine.LoadError, engine.VadAvailable),
            new EngineHealth(engine.SlotsTotal, engine.SlotsBusy, Math.Max(0, engine.SlotsTotal - engine.SlotsBusy), engine.ThreadsPerSlot,
                engine.QueueLength, engine.QueueCapacity)
            {
                Cpu = engine.CpuBackend is { } cpu ? new CpuHealth(cpu.Variant, cpu.Features, cpu.Available) : null,
            });

    private static async Task WriteAsync<T>(HttpContext ctx, T document, JsonTypeInfo<T> type)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(document, type);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }
}
