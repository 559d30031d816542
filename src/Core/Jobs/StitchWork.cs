namespace SpeechToText.Core.Jobs;

/// <summary>Everything the stitch needs, by reference: the job, its input, settings, chunk plan and timings so far.</summary>
public sealed record StitchWork(JobStart Start, JobSettings Settings, double DurationSeconds, IReadOnlyList<ChunkPlan> Chunks, JobTimings Timings);

/// <summary>The transcript blobs written to the output container.</summary>
public sealed record StitchDone(IReadOnlyList<string> Outputs);

/// <summary>A job that failed: why, and (for a chunk that failed) which one.</summary>
public sealed record FailWork(JobStart Start, JobSettings? Settings, string Reason, ChunkFailure? Chunk, double? DurationSeconds, int ChunksTotal,
    int ChunksDone, JobTimings Timings);
