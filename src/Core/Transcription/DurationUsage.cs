namespace SpeechToText.Core.Transcription;

public sealed record DurationUsage(double Seconds) : TranscriptionUsage;
