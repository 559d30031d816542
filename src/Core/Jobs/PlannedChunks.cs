namespace SpeechToText.Core.Jobs;

/// <summary>A recording's chunks, and how much of it the planner ran through the VAD to find them (lead-ins included).</summary>
public sealed record PlannedChunks(IReadOnlyList<ChunkPlan> Chunks, long VadSamples);
