namespace SpeechToText.Core.Jobs;

/// <summary>A transcribed chunk: its result is in the blob <see cref="JobBlobs.ChunkResult"/> names; this says only how it went.</summary>
public sealed record ChunkDone(int Index, int Segments, double Seconds);
