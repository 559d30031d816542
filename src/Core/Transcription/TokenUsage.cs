namespace SpeechToText.Core.Transcription;

public sealed record TokenUsage(int InputTokens, int OutputTokens, int TotalTokens, int AudioTokens, int TextTokens)
    : TranscriptionUsage;
