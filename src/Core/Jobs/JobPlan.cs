namespace SpeechToText.Core.Jobs;

/// <summary>
/// What planning decided: the job's settings and its chunks (the chunk audio is in blobs named by
/// <see cref="JobBlobs"/>), or why the input cannot become a transcript.
/// </summary>
public sealed record JobPlan
{
    /// <summary>Set when the input was rejected for good (bad options, too large, not audio): the job fails at once.</summary>
    public string? Rejection { get; init; }

    public JobSettings? Settings { get; init; }

    public double DurationSeconds { get; init; }

    public IReadOnlyList<ChunkPlan> Chunks { get; init; } = [];

    public double DecodeSeconds { get; init; }

    public double PlanSeconds { get; init; }

    public static JobPlan Rejected(string reason, JobSettings? settings = null) => new() { Rejection = reason, Settings = settings };
}
