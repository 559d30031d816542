using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>GET /v1/models, /v1/models/{id} and /health, shared by every host.</summary>
public sealed class ModelsEndpoints(ModelCatalog catalog, IWhisperEngine engine)
{
    /// <summary>GET /v1/models: OpenAI's list shape plus backend, formats and capabilities.</summary>
    public Task ListAsync(HttpContext ctx) => WriteJsonAsync(ctx, w =>
    {
        var status = engine.Status;
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var entry in catalog.All)
        {
            WriteModel(w, entry, status);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>GET /v1/models/{id}: one model object, or OpenAI's model_not_found 404.</summary>
    public Task OneAsync(HttpContext ctx, string id)
    {
        var entry = catalog.Resolve(id);
        return WriteJsonAsync(ctx, w => WriteModel(w, entry, engine.Status));
    }

    /// <summary>GET /health: the local model (loaded, synthetic, or why not) and the engine's slots and queue.</summary>
    public Task HealthAsync(HttpContext ctx) => WriteJsonAsync(ctx, w => WriteHealth(w, engine.Status));

    internal static async Task WriteJsonAsync(HttpContext ctx, Action<Utf8JsonWriter> write)
    {
        var body = TranscriptionWriter.Json(write);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
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

    private static void WriteHealth(Utf8JsonWriter w, WhisperEngineStatus? engine)
    {
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
