using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The pipeline's documents in storage (status documents, chunk results and timings, failure records, usage markers)
/// and the status endpoints' answer, serialised without reflection: web defaults (names read case-insensitively,
/// numbers also from strings), snake_case, nulls left out, indented.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    Converters = [typeof(TranscriptionUsageConverter)])]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(TranscriptionResult))]
[JsonSerializable(typeof(EngineTimings))]
[JsonSerializable(typeof(UsageRecord))]
public sealed partial class JobJsonContext : JsonSerializerContext;
