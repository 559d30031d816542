namespace SpeechToText.Core.Jobs;

/// <summary>
/// What a job looks like from outside: the HTTP status endpoints and the <c>&lt;input&gt;.status.json</c>
/// document in the output container.
/// </summary>
public sealed record JobStatus
{
    public string Object { get; init; } = "transcription.job";
    public required string Id { get; init; }
    /// <summary>One of <see cref="JobStates"/>.</summary>
    public required string State { get; init; }
    public required string Input { get; init; }
    public required string InputContainer { get; init; }
    public string? Model { get; init; }
    public double? DurationSeconds { get; init; }
    public required int ChunksDone { get; init; }
    public required int ChunksTotal { get; init; }
    public required JobTimings Timings { get; init; }
    public required string OutputContainer { get; init; }
    public required IReadOnlyList<string> Outputs { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<ChunkStatus>? FailedChunks { get; init; }
}
