using System.Text.Json.Serialization;

namespace SpeechToText.Core.Usage;

/// <summary>
/// One group's counts in a bucket. Ungrouped it is this type; grouped it is a subtype that adds the group's
/// field after <c>object</c> (no type tag: the field is the only difference).
/// </summary>
[JsonDerivedType(typeof(KeyUsageResult))]
[JsonDerivedType(typeof(ModelUsageResult))]
public record UsageResult
{
    /// <summary>Where a group's field goes: after <c>object</c>, before the counts.</summary>
    internal const int GroupOrder = -1;

    [JsonPropertyOrder(GroupOrder - 1)]
    public string Object => "usage.audio_transcriptions.result";
    public required int NumModelRequests { get; init; }
    public required double Seconds { get; init; }
    public required long InputTokens { get; init; }
    public required long OutputTokens { get; init; }
    public required long TotalTokens { get; init; }
    public required long InputAudioTokens { get; init; }
    public required int Errors { get; init; }
    public required long UploadBytes { get; init; }
}
