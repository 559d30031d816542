namespace SpeechToText.Core.Usage;

/// <summary>One UTC day of the asked range (cut to the range at its ends), with one result per group.</summary>
public sealed record UsageBucket
{
    public string Object => "bucket";
    public required long StartTime { get; init; }
    public required long EndTime { get; init; }
    public required IReadOnlyList<UsageResult> Results { get; init; }
}
