namespace SpeechToText.Core.Jobs;

/// <summary>How a batch ended: every chunk done, or the first chunk that failed for good and why.</summary>
public sealed record BatchOutcome(int ChunksDone, ChunkFailure? Failure);
