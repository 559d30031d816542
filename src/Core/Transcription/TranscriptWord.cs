namespace SpeechToText.Core.Transcription;

/// <summary>One word with its time span (seconds from the start of the audio).</summary>
public sealed record TranscriptWord(string Word, double Start, double End, float Probability = 1f);
