using System.Buffers.Binary;

namespace SpeechToText.Core.Audio;

/// <summary>How a WAV file's samples are stored, as far as the managed decoder is concerned.</summary>
public enum WavEncoding
{
    /// <summary>Linear PCM integers (8-bit unsigned, 16/24/32-bit signed).</summary>
    PcmInteger,
    /// <summary>IEEE float, 32 or 64 bits.</summary>
    IeeeFloat,
    /// <summary>Anything else (mu-law, a-law, ADPCM, ...): left to ffmpeg.</summary>
    Compressed,
}
