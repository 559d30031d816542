
using SpeechToText.Core.Models;

namespace SpeechToText.Core.Jobs;

/// <summary>How long the chunks of a long recording may be, for the backend that will transcribe them.</summary>
public static class BackendChunkLimits
{
    /// <summary>Local engine: chunks of about five minutes unless configured otherwise.</summary>
    public const double DefaultLocalTargetSeconds = 300;

    /// <summary>Azure OpenAI's whisper deployments take files up to 25 MiB.</summary>
    public const long AzureWhisperMaxBytes = 26_214_400;

    /// <summary>Bytes per second of the 16 kHz mono 16-bit WAV a chunk is sent as.</summary>
    public const int WavBytesPerSecond = 16_000 * 2;

    /// <summary>The canonical WAV header in front of the samples.</summary>
    public const int WavHeaderBytes = 44;

    /// <summary>gpt-4o models: aim well under their hard limit, so a chunk never reaches it.</summary>
    public const double Gpt4oTargetSeconds = 1200;

    /// <summary>
    /// Limits for <paramref name="backend"/> serving a model of <paramref name="kind"/>:
    /// <list type="bullet">
    /// <item>local whisper.cpp: <paramref name="localTargetSeconds"/> (default 300 s), at most twice that;</item>
    /// <item>Azure gpt-4o(-mini)-transcribe(-diarize): target 1200 s, at most 1400 s (the model's own limit);</item>
    /// <item>Azure whisper: at most what fits 25 MiB as 16 kHz mono 16-bit WAV (819 s), target 780 s.</item>
    /// </list>
    /// </summary>
    public static ChunkLimits ForBackend(BackendKind backend, ModelKind kind, double? localTargetSeconds = null)
    {
        if (backend == BackendKind.Local)
        {
            var target = localTargetSeconds ?? DefaultLocalTargetSeconds;
            if (!(target >= 5) || !double.IsFinite(target))
            {
                throw new ArgumentOutOfRangeException(nameof(localTargetSeconds), $"The local chunk target must be at least 5 s (got {target}).");
            }
            // Short targets (tests, very small instances) search a proportionally shorter window for silence.
            return new ChunkLimits { TargetSeconds = target, MaxSeconds = 2 * target, SearchWindowSeconds = Math.Min(30, target / 3) };
        }
        if (kind == ModelKind.Whisper)
        {
            // Whole seconds under the byte limit; chunks end on sample boundaries, so the file is at most
            // 44 + 819 * 32000 = 26,208,044 bytes.
            var max = Math.Floor((AzureWhisperMaxBytes - WavHeaderBytes) / (double)WavBytesPerSecond);
            return new ChunkLimits { TargetSeconds = max - 39, MaxSeconds = max };
        }
        return new ChunkLimits { TargetSeconds = Gpt4oTargetSeconds, MaxSeconds = ModelCapabilities.Gpt4oMaxAudioSeconds };
    }
}
