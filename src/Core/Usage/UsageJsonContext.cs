using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Usage;

/// <summary>GET /v1/usage's documents, serialised without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(UsagePage))]
public sealed partial class UsageJsonContext : JsonSerializerContext
{
    /// <summary>snake_case from the source generator, characters escaped as in the transcripts.</summary>
    internal static UsageJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = TranscriptionWriter.JsonOptions.Encoder,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    });
}
