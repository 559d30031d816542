namespace SpeechToText.Core.Audio;

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
