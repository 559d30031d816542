namespace SpeechToText.Core.Jobs;

/// <summary>Everything the stitch needs, by reference: the job, its input, settings, chunk plan and timings so far.</summary>
public sealed record StitchWork(JobStart Start, JobSettings Settings, double DurationSeconds, IReadOnlyList<ChunkPlan> Chunks, JobTimings Timings);
