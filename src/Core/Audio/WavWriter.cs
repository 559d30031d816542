using System.Buffers.Binary;

namespace SpeechToText.Core.Audio;

/// <summary>Writes mono 16-bit PCM WAV files: pipeline chunks (from 16 kHz floats) and realtime turns (from appended PCM).</summary>
public static class WavWriter
{
    private const int HeaderBytes = 44;

    /// <summary><paramref name="samples"/> as they are.</summary>
    public static byte[] FromPcm16(ReadOnlySpan<short> samples, int sampleRate)
    {
        var bytes = Header(samples.Length, sampleRate);
        var data = bytes.AsSpan(HeaderBytes);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data[(2 * i)..], samples[i]);
        }
        return bytes;
    }

    /// <summary><paramref name="samples"/> in [-1, 1] (clamped), rounded to 16 bits.</summary>
    public static byte[] FromFloats(ReadOnlySpan<float> samples, int sampleRate)
    {
        var bytes = Header(samples.Length, sampleRate);
        var data = bytes.AsSpan(HeaderBytes);
        for (int i = 0; i < samples.Length; i++)
        {
            float s = Math.Clamp(samples[i], -1f, 1f);
            BinaryPrimitives.WriteInt16LittleEndian(data[(2 * i)..], (short)MathF.Round(s * 32767f));
        }
        return bytes;
    }

    private static byte[] Header(int sampleCount, int sampleRate)
    {
        int dataBytes = sampleCount * 2;
        var bytes = new byte[HeaderBytes + dataBytes];
        var h = bytes.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[40..], dataBytes);
        return bytes;
    }
}
