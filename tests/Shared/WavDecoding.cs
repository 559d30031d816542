using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.TestSupport;

/// <summary>Decodes WAV bytes with the service's own managed decoder, as an upload would be.</summary>
internal static class WavDecoding
{
    public static DecodedAudio Decode(byte[] wav, AudioOptions? options = null)
    {
        using var stream = new MemoryStream(wav);
        var header = WavHeader.Read(stream);
        return new WavDecoder(Options.Create(options ?? new AudioOptions())).Decode(stream, header);
    }
}
