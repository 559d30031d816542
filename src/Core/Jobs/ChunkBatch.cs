namespace SpeechToText.Core.Jobs;

/// <summary>A sub-orchestration's input: up to <see cref="JobRunSettings.BatchSize"/> consecutive chunks of one job.</summary>
/// <param name="PreviousDone">The chunk before the first one is already transcribed (its text may prompt the first).</param>
public sealed record ChunkBatch(string JobId, JobSettings Settings, IReadOnlyList<ChunkPlan> Chunks, JobRunSettings Run, bool PreviousDone);
