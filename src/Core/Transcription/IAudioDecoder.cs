namespace SpeechToText.Core.Transcription;

/// <summary>Turns an upload into 16 kHz mono PCM, or throws <see cref="ApiException"/> (400) for bad input.</summary>
public interface IAudioDecoder
{
    Task<DecodedAudio> DecodeAsync(AudioUpload upload, CancellationToken cancellationToken);
}
