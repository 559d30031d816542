namespace SpeechToText.Core.Jobs;

/// <summary>A sub-orchestration's input: up to <see cref="JobRunSettings.BatchSize"/> consecutive chunks of one job.</summary>
/// <param name="PreviousDone">The chunk before the first one is already transcribed (its text may prompt the first).</param>
public sealed record ChunkBatch(string JobId, JobSettings Settings, IReadOnlyList<ChunkPlan> Chunks, JobRunSettings Run, bool PreviousDone);

/// <summary>How a batch ended: every chunk done, or the first chunk that failed for good and why.</summary>
public sealed record BatchOutcome(int ChunksDone, ChunkFailure? Failure);

/// <summary>A chunk that failed for good: after <paramref name="Attempts"/> attempts, or at once when the failure was permanent.</summary>
public sealed record ChunkFailure(int Index, int Attempts, string Reason);
