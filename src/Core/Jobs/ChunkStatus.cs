namespace SpeechToText.Core.Jobs;

public sealed record ChunkStatus(int Index, string State, int Attempts, string? Error);
