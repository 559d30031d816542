namespace SpeechToText.Core.Transcription;

/// <summary>Audio as the engine wants it: 16 kHz mono float samples in [-1, 1].</summary>
public sealed class DecodedAudio(float[] samples)
{
    public const int SampleRate = 16_000;

    public float[] Samples { get; } = samples;

    public double DurationSeconds => Samples.Length / (double)SampleRate;
}
