
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>A chunk's transcript, times relative to the chunk's own start.</summary>
public sealed record ChunkTranscript(ChunkPlan Chunk, TranscriptionResult Result);
