using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>The JSON settings of the pipeline's documents in storage (status documents, chunk results, failure and usage records).</summary>
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
