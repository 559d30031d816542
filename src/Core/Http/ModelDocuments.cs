using System.Text.Json.Serialization;

namespace SpeechToText.Core.Http;

/// <summary>GET /v1/models: OpenAI's list shape.</summary>
public sealed record ModelList(IReadOnlyList<ModelDocument> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}

/// <summary>OpenAI's model object plus what this service adds: backend, kind and capabilities.</summary>
public sealed record ModelDocument
{
    public required string Id { get; init; }
    public string Object => "model";
    public long Created => 1_700_000_000;
    public required string OwnedBy { get; init; }
    public required string Backend { get; init; }
    public required string Kind { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
    public required IReadOnlyList<string> ResponseFormats { get; init; }
    public required IReadOnlyList<string> TranslationFormats { get; init; }
    public bool Streaming { get; init; }
    public bool TimestampGranularities { get; init; }
    public bool Logprobs { get; init; }
    public bool Prompt { get; init; }
    /// <summary>Takes keywords[].</summary>
    public bool Keywords { get; init; }
    /// <summary>Takes languages[] and answers json with the detected "languages".</summary>
    public bool Languages { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MaxAudioSeconds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Fallbacks { get; init; }
    /// <summary>Local models only: whether the engine has its model loaded.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Available { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? SyntheticModel { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Warning { get; init; }
}

/// <summary>GET /health.</summary>
public sealed record HealthDocument(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LocalModelHealth? LocalModel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EngineHealth? Engine)
{
    /// <summary>When each start-up phase ended, in ms since the process started (<c>StartupTimeline</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? StartupMs { get; init; }
}

public sealed record LocalModelHealth(
    bool Loaded,
    string? Path,
    string? Type,
    bool Synthetic,
    bool Multilingual,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    bool Vad);

public sealed record EngineHealth(int SlotsTotal, int SlotsBusy, int SlotsFree, int ThreadsPerSlot, int QueueLength, int QueueCapacity)
{
    /// <summary>The ggml CPU backend computing here; absent until the native library is loaded.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CpuHealth? Cpu { get; init; }
}

/// <summary>The CPU variant of ggml in use (e.g. zen4), the instruction sets it was built for, and every variant this CPU can run.</summary>
public sealed record CpuHealth(string Variant, IReadOnlyList<string> Features, IReadOnlyList<string> Available);

/// <summary>The documents of the non-transcript endpoints, serialised without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelDocument))]
[JsonSerializable(typeof(HealthDocument))]
public sealed partial class HttpJsonContext : JsonSerializerContext;
