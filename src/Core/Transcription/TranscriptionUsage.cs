namespace SpeechToText.Core.Transcription;

/// <summary>Billing usage: audio seconds for whisper models, tokens for gpt-4o models.</summary>
public abstract record TranscriptionUsage;
