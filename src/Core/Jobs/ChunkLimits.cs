
namespace SpeechToText.Core.Jobs;

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
