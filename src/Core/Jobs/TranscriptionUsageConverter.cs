using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>Usage is an abstract record (seconds or tokens); the pipeline stores it with a "type" tag.</summary>
internal sealed class TranscriptionUsageConverter : JsonConverter<TranscriptionUsage>
{
    public override TranscriptionUsage? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var e = doc.RootElement;
        return e.GetProperty("type").GetString() switch
        {
            "duration" => new DurationUsage(e.GetProperty("seconds").GetDouble()),
            "tokens" => new TokenUsage(e.GetProperty("input_tokens").GetInt32(), e.GetProperty("output_tokens").GetInt32(),
                e.GetProperty("total_tokens").GetInt32(), e.GetProperty("audio_tokens").GetInt32(), e.GetProperty("text_tokens").GetInt32()),
            _ => null,
        };
    }

    public override void Write(Utf8JsonWriter writer, TranscriptionUsage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        switch (value)
        {
            case DurationUsage d:
                writer.WriteString("type", "duration");
                writer.WriteNumber("seconds", d.Seconds);
                break;
            case TokenUsage t:
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
