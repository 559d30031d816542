using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>One planned piece of a long recording, in seconds of the original audio.</summary>
public sealed record ChunkPlan(int Index, double Start, double End)
{
    public double Duration => End - Start;
}

/// <summary>How long a chunk may be for the backend that will transcribe it.</summary>
public sealed record ChunkLimits
{
    /// <summary>Aim for chunks about this long (local engine: about 5 minutes).</summary>
    public required double TargetSeconds { get; init; }

    /// <summary>Never longer than this (gpt-4o: 1400 s; Azure whisper: what fits 25 MB as 16 kHz mono WAV).</summary>
    public required double MaxSeconds { get; init; }

    /// <summary>How far before the target a cut may move to find silence.</summary>
    public double SearchWindowSeconds { get; init; } = 30;
}

/// <summary>
/// Chooses cut points in silence. <paramref name="samples"/> is the whole recording as 16 kHz mono PCM;
/// implementations look for silence (the Silero VAD) only near each target cut, so planning a long file
/// costs a small fraction of transcribing it.
/// </summary>
public interface IChunkPlanner
{
    Task<IReadOnlyList<ChunkPlan>> PlanAsync(ReadOnlyMemory<float> samples, ChunkLimits limits, CancellationToken cancellationToken);
}

/// <summary>A chunk's transcript, times relative to the chunk's own start.</summary>
public sealed record ChunkTranscript(ChunkPlan Chunk, TranscriptionResult Result);
