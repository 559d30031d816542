namespace SpeechToText.Core.Jobs;

/// <summary>A chunk that failed for good: after <paramref name="Attempts"/> attempts, or at once when the failure was permanent.</summary>
public sealed record ChunkFailure(int Index, int Attempts, string Reason);
