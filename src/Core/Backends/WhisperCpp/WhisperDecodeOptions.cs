
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

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
