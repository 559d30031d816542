namespace SpeechToText.Core.Jobs;

/// <summary>One chunk to transcribe. <paramref name="PromptFromPrevious"/>: the previous chunk's result exists and its last sentence prompts this one.</summary>
public sealed record ChunkWork(string JobId, JobSettings Settings, ChunkPlan Chunk, bool PromptFromPrevious);

/// <summary>A transcribed chunk: its result is in the blob <see cref="JobBlobs.ChunkResult"/> names; this says only how it went.</summary>
public sealed record ChunkDone(int Index, int Segments, double Seconds);
