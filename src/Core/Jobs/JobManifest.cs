using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpeechToText.Core.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    Planned,
    Transcribing,
    Stitching,
    Completed,
    Failed,
}

[JsonConverter(typeof(JsonStringEnumConverter<ChunkState>))]
public enum ChunkState
{
    Pending,
    Done,
    Failed,
}

/// <summary>
/// A job's whole state, stored as <c>stt-jobs/&lt;jobId&gt;/manifest.json</c> and changed only with
/// optimistic concurrency (If-Match on the blob's ETag).
/// </summary>
public sealed class JobManifest
{
    public required string JobId { get; init; }
    public JobState State { get; set; }
    public required JobInput Input { get; init; }
    public required JobSettings Options { get; init; }
    public double? DurationSeconds { get; set; }
    public List<JobChunk> Chunks { get; set; } = [];
    public JobTimings Timings { get; set; } = new();
    /// <summary>Blob names in the output container, once written.</summary>
    public List<string> Outputs { get; set; } = [];
    public string? Error { get; set; }
    /// <summary>Set once the stitch work item went out; a redelivered chunk item re-sends it only while this is false.</summary>
    public bool StitchEnqueued { get; set; }

    [JsonIgnore]
    public int ChunksDone => Chunks.Count(c => c.State == ChunkState.Done);

    [JsonIgnore]
    public bool AllChunksDone => Chunks.Count > 0 && Chunks.All(c => c.State == ChunkState.Done);

    [JsonIgnore]
    public bool IsFinal => State is JobState.Completed or JobState.Failed;

    /// <summary>The job id: the first 32 hex digits of SHA-256 over the input's container, name and ETag.</summary>
    public static string IdFor(string container, string blobName, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}\n{blobName}\n{etag.Trim('"')}")))[..32];

    public static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}

public sealed record JobInput(string Container, string Name, string ETag, long Size);

/// <summary>What the job was asked for (blob metadata and/or sidecar, after defaults).</summary>
public sealed record JobSettings
{
    public required string Model { get; init; }
    public string? Language { get; init; }
    public string? Prompt { get; init; }
    /// <summary>Output extensions (<see cref="TranscriptOutputs.All"/>).</summary>
    public required IReadOnlyList<string> Formats { get; init; }
}

public sealed class JobChunk
{
    public required int Index { get; init; }
    public required double Start { get; init; }
    public required double End { get; init; }
    public ChunkState State { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    [JsonIgnore]
    public ChunkPlan Plan => new(Index, Start, End);
}

public sealed class JobTimings
{
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PlannedAt { get; set; }
    public double? DecodeSeconds { get; set; }
    public double? PlanSeconds { get; set; }
    public DateTimeOffset? TranscribedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
}

/// <summary>A chunk work item on the chunk queue; the stitch queue carries the same shape with index -1.</summary>
public sealed record ChunkWorkItem(string JobId, int Index)
{
    public string ToJson() => JsonSerializer.Serialize(this, JobJson.Options);

    public static ChunkWorkItem Parse(string json) =>
        JsonSerializer.Deserialize<ChunkWorkItem>(json, JobJson.Options) is { JobId.Length: > 0 } item
            ? item
            : throw new FormatException("The work item has no job id.");
}

/// <summary>The JSON settings of every pipeline document (manifest, status, results, work items).</summary>
public static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new UsageConverter() },
    };

    public static BinaryData Serialize<T>(T value) => BinaryData.FromObjectAsJson(value, Options);

    public static T Deserialize<T>(BinaryData data) =>
        data.ToObjectFromJson<T>(Options) ?? throw new JsonException($"The document is not a {typeof(T).Name}.");

    /// <summary>Usage is an abstract record (seconds or tokens); stored with a "type" tag.</summary>
    private sealed class UsageConverter : JsonConverter<Transcription.TranscriptionUsage>
    {
        public override Transcription.TranscriptionUsage? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            var e = doc.RootElement;
            return e.GetProperty("type").GetString() switch
            {
                "duration" => new Transcription.DurationUsage(e.GetProperty("seconds").GetDouble()),
                "tokens" => new Transcription.TokenUsage(e.GetProperty("input_tokens").GetInt32(), e.GetProperty("output_tokens").GetInt32(),
                    e.GetProperty("total_tokens").GetInt32(), e.GetProperty("audio_tokens").GetInt32(), e.GetProperty("text_tokens").GetInt32()),
                _ => null,
            };
        }

        public override void Write(Utf8JsonWriter writer, Transcription.TranscriptionUsage value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            switch (value)
            {
                case Transcription.DurationUsage d:
                    writer.WriteString("type", "duration");
                    writer.WriteNumber("seconds", d.Seconds);
                    break;
                case Transcription.TokenUsage t:
                    writer.WriteString("type", "tokens");
                    writer.WriteNumber("input_tokens", t.InputTokens);
                    writer.WriteNumber("output_tokens", t.OutputTokens);
                    writer.WriteNumber("total_tokens", t.TotalTokens);
                    writer.WriteNumber("audio_tokens", t.AudioTokens);
                    writer.WriteNumber("text_tokens", t.TextTokens);
                    break;
            }
            writer.WriteEndObject();
        }
    }
}
