namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>A stretch of speech the VAD found, in centiseconds (whisper's unit) from the start of the audio.</summary>
internal readonly record struct SpeechRegion(double StartCs, double EndCs)
{
    public double LengthCs => EndCs - StartCs;
}
