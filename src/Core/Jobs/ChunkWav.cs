using System.Buffers.Binary;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>Writes a span of 16 kHz mono float samples as a 16-bit PCM WAV file (the chunk blobs).</summary>
public static class ChunkWav
{
    public static byte[] Encode(ReadOnlySpan<float> samples)
    {
        int dataBytes = samples.Length * 2;
        var bytes = new byte[44 + dataBytes];
        var h = bytes.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], DecodedAudio.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], DecodedAudio.SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[40..], dataBytes);
        var data = h[44..];
        for (int i = 0; i < samples.Length; i++)
        {
            float s = Math.Clamp(samples[i], -1f, 1f);
            BinaryPrimitives.WriteInt16LittleEndian(data[(2 * i)..], (short)MathF.Round(s * 32767f));
        }
        return bytes;
    }
}
