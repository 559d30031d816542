namespace SpeechToText.Core.Jobs;

/// <summary>One chunk to transcribe. <paramref name="PromptFromPrevious"/>: the previous chunk's result exists and its last sentence prompts this one.</summary>
public sealed record ChunkWork(string JobId, JobSettings Settings, ChunkPlan Chunk, bool PromptFromPrevious);
