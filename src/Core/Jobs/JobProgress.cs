namespace SpeechToText.Core.Jobs;

/// <summary>
/// The orchestration's custom status: where the job is, what it was asked for, and its timings, so the status
/// endpoint needs nothing but the instance. While a batch runs, its own sub-orchestration counts that batch's
/// chunks (<see cref="BatchProgress"/>); <see cref="ChunksDone"/> counts the batches before it.
/// </summary>
public sealed record JobProgress
{
    public required string State { get; init; }
    public required string Input { get; init; }
    public required string InputContainer { get; init; }
    public string? Model { get; init; }
    public double? DurationSeconds { get; init; }
    public int ChunksDone { get; init; }
    public int ChunksTotal { get; init; }
    /// <summary>The batch being transcribed (its sub-orchestration is <see cref="JobIds.Batch"/>), while transcribing.</summary>
    public int? CurrentBatch { get; init; }
    public required JobTimings Timings { get; init; }
    public IReadOnlyList<string> Outputs { get; init; } = [];
    public string? Error { get; init; }
    public ChunkFailure? FailedChunk { get; init; }
}
