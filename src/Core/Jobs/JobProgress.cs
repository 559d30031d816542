namespace SpeechToText.Core.Jobs;

/// <summary>The states a job goes through, as the status endpoint and the status document name them.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Planning = "planning";
    public const string Transcribing = "transcribing";
    public const string Stitching = "stitching";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string state) => state is Completed or Failed or Cancelled;
}

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

/// <summary>A chunk batch's custom status: chunks of the batch done so far.</summary>
public sealed record BatchProgress(int ChunksDone, int ChunksTotal);
