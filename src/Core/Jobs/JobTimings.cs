namespace SpeechToText.Core.Jobs;

/// <summary>When a job reached each stage (the orchestration's clock), and how long decoding and planning took.</summary>
public sealed record JobTimings
{
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PlannedAt { get; init; }
    public double? DecodeSeconds { get; init; }
    public double? PlanSeconds { get; init; }
    public DateTimeOffset? TranscribedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
}
