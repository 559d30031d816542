using System.Text.Json.Serialization;

namespace SpeechToText.Core.Usage;

/// <summary>Usage records as stored, one JSON line each (snake_case, nulls left out), serialised without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UsageRecord))]
internal sealed partial class UsageRecordJsonContext : JsonSerializerContext;
