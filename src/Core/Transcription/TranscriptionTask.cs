namespace SpeechToText.Core.Transcription;

/// <summary>What the caller asked for: transcribe in the spoken language, or translate to English.</summary>
public enum TranscriptionTask
{
    Transcribe,
    Translate,
}
