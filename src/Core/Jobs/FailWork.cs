namespace SpeechToText.Core.Jobs;

/// <summary>A job that failed: why, and (for a chunk that failed) which one.</summary>
public sealed record FailWork(JobStart Start, JobSettings? Settings, string Reason, ChunkFailure? Chunk, double? DurationSeconds, int ChunksTotal,
    int ChunksDone, JobTimings Timings);
