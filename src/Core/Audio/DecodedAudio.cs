namespace SpeechToText.Core.Audio;

/// <summary>Audio as the engine wants it: 16 kHz mono float samples in [-1, 1].</summary>
public sealed class DecodedAudio(float[] samples)
{
    public const int SampleRate = 16_000;

    public float[] Samples { get; } = samples;

    public double DurationSeconds => Samples.Length / (double)SampleRate;
}

/// <summary>Containers recognised by content sniffing (never by file name).</summary>
public enum AudioContainer
{
    Unknown,
    Wav,
    Flac,
    Mp3,
    Ogg,
    Mp4,
    Webm,
    Aac,
}

/// <summary>Turns an upload into 16 kHz mono PCM, or throws <see cref="Api.ApiError"/> (400) for bad input.</summary>
public interface IAudioDecoder
{
    Task<DecodedAudio> DecodeAsync(AudioUpload upload, CancellationToken cancellationToken);
}
