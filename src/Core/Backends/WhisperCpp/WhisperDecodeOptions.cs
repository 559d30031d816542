
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
    /// <summary>Terms expected in the audio, appended to the prompt within a token budget (<see cref="WhisperPrompt"/>).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>
    /// Candidate languages (ISO-639-1). One is used as <see cref="Language"/>; of several, the one whisper's language
    /// detection finds most probable is used. The result then reports it in <see cref="TranscriptionResult.Languages"/>.
    /// </summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    /// <summary>0 = whisper's temperature fallback (0, 0.2, ... 1.0); above 0 = that fixed temperature.</summary>
    public float Temperature { get; init; }
    public bool WordTimestamps { get; init; }
    /// <summary>Null = the engine's configured policy (VAD for inputs longer than a threshold).</summary>
    public bool? UseVad { get; init; }
}
