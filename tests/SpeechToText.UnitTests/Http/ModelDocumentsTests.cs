using System.Text;
using System.Text.Json;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Http;
using SpeechToText.Core.Models;

namespace SpeechToText.UnitTests.Http;

/// <summary>/v1/models and /health as records through the source-generated context: names, order and what is left out.</summary>
public class ModelDocumentsTests
{
    /// <summary>Through the endpoints' own context and options (the source-generated metadata, the transcripts' escaping).</summary>
    private static string Json<T>(T value) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, ModelsEndpoints.Json.Options));

    private static readonly WhisperEngineStatus Engine = new()
    {
        ModelLoaded = true, ModelPath = "/m/ggml-tiny.en.bin", ModelType = "tiny", IsSyntheticModel = true, SlotsTotal = 2, SlotsBusy = 3,
        ThreadsPerSlot = 1, QueueLength = 0, QueueCapacity = 8, VadAvailable = true,
    };

    [Fact]
    public void An_azure_model_has_openai_fields_first_and_no_local_fields()
    {
        var entry = new ModelEntry
        {
            Id = "gpt-4o", Backend = BackendKind.AzureOpenAI, Kind = ModelKind.Gpt4oTranscribe,
            Capabilities = ModelCapabilities.For(ModelKind.Gpt4oTranscribe, false), Fallbacks = ["whisper-1"],
        };
        var json = Json(ModelsEndpoints.Document(entry, Engine));
        Assert.StartsWith("{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"azure-openai\",\"backend\":\"azure-openai\",\"kind\":\"gpt-4o-transcribe\",", json);
        Assert.Contains("\"max_audio_seconds\":1400,", json);
        Assert.Contains("\"fallbacks\":[\"whisper-1\"]", json);
        Assert.DoesNotContain("description", json);
        Assert.DoesNotContain("available", json);
        Assert.DoesNotContain("warning", json);
    }

    [Fact]
    public void A_local_model_says_whether_it_is_loaded_and_synthetic()
    {
        var entry = new ModelEntry
        {
            Id = "whisper-1", Backend = BackendKind.Local, Kind = ModelKind.Whisper, Capabilities = ModelCapabilities.For(ModelKind.Whisper, true),
            Description = "local",
        };
        using var doc = JsonDocument.Parse(Json(ModelsEndpoints.Document(entry, Engine)));
        var root = doc.RootElement;
        Assert.Equal("whisper", root.GetProperty("kind").GetString());
        Assert.True(root.GetProperty("available").GetBoolean());
        Assert.True(root.GetProperty("synthetic_model").GetBoolean());
        Assert.Contains("meaningless", root.GetProperty("warning").GetString());
        Assert.False(root.TryGetProperty("max_audio_seconds", out _));
        Assert.False(root.TryGetProperty("fallbacks", out _));
        Assert.Equal(JsonValueKind.Array, root.GetProperty("response_formats").ValueKind);
    }

    [Fact]
    public void The_list_starts_with_its_object_type() =>
        Assert.StartsWith("{\"object\":\"list\",\"data\":[", Json(new ModelList([])));

    [Fact]
    public void Health_writes_unknown_path_and_type_as_null_but_leaves_out_a_missing_error()
    {
        var json = Json(ModelsEndpoints.Health(Engine with { ModelPath = null, ModelType = null }));
        Assert.Contains("\"path\":null,\"type\":null,", json);
        Assert.DoesNotContain("\"error\"", json);
        // Busy above total (a race between two reads) never shows negative free slots.
        Assert.Contains("\"slots_free\":0,", json);
        Assert.Equal("{\"status\":\"ok\"}", Json(ModelsEndpoints.Health(null)));
        Assert.Contains("\"status\":\"degraded\"", Json(ModelsEndpoints.Health(Engine with { ModelLoaded = false, LoadError = "missing" })));
        Assert.Contains("\"error\":\"missing\"", Json(ModelsEndpoints.Health(Engine with { ModelLoaded = false, LoadError = "missing" })));
    }
}
