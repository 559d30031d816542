using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Engines;

/// <summary>Decoding parameters for one local whisper run.</summary>
public sealed record WhisperDecodeOptions
{
    /// <summary>ISO-639-1 code, or null to auto-detect (multilingual models only; English-only models use "en").</summary>
    public string? Language { get; init; }
    public TranscriptionTask Task { get; init; } = TranscriptionTask.Transcribe;
    /// <summary>Text that conditions the decoder (initial prompt).</summary>
    public string? Prompt { get; init; }
    /// <summary>0 = whisper's temperature fallback (0, 0.2, ... 1.0); above 0 = that fixed temperature.</summary>
    public float Temperature { get; init; }
    public bool WordTimestamps { get; init; }
    /// <summary>Null = the engine's configured policy (VAD for inputs longer than a threshold).</summary>
    public bool? UseVad { get; init; }
}

/// <summary>Live state of the local engine, for /health and /v1/models.</summary>
public sealed record WhisperEngineStatus
{
    public required bool ModelLoaded { get; init; }
    public string? ModelPath { get; init; }
    /// <summary>True when the loaded file is a generated test model whose text is meaningless.</summary>
    public bool IsSyntheticModel { get; init; }
    public bool IsMultilingual { get; init; }
    public string? ModelType { get; init; }
    public string? LoadError { get; init; }
    public int SlotsTotal { get; init; }
    public int SlotsBusy { get; init; }
    public int QueueLength { get; init; }
    public int QueueCapacity { get; init; }
    public int ThreadsPerSlot { get; init; }
    public bool VadAvailable { get; init; }
}

/// <summary>
/// The bundled whisper.cpp model. One loaded model per process; each call runs on a pooled whisper
/// state (bounded slots plus a bounded wait queue). When slots and queue are full the call fails at
/// once with a 429 <see cref="Api.ApiError"/>. Cancellation aborts the native work and frees the slot.
/// </summary>
public interface IWhisperEngine
{
    WhisperEngineStatus Status { get; }

    /// <param name="samples">16 kHz mono float PCM.</param>
    /// <param name="onSegment">Called for each segment as whisper produces it (from the native new-segment callback), before the call completes.</param>
    Task<TranscriptionResult> TranscribeAsync(float[] samples, WhisperDecodeOptions options,
        Action<TranscriptSegment>? onSegment, CancellationToken cancellationToken);
}
