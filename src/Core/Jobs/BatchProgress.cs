namespace SpeechToText.Core.Jobs;

/// <summary>A chunk batch's custom status: chunks of the batch done so far.</summary>
public sealed record BatchProgress(int ChunksDone, int ChunksTotal);
