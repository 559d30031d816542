using System.Buffers.Binary;

namespace SpeechToText.TestSupport;

/// <summary>Writes WAV files byte by byte, so tests control every header field, including wrong ones.</summary>
internal sealed class WavBuilder
{
    private readonly List<(string Id, byte[] Body, uint? DeclaredSize)> _chunks = [];

    public string RiffId { get; init; } = "RIFF";

    public static byte[] Fmt(int tag, int channels, int sampleRate, int bits, int? blockAlign = null)
    {
        var b = new byte[16];
        int align = blockAlign ?? channels * bits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), (uint)(sampleRate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(14), (ushort)bits);
        return b;
    }

    /// <summary>A WAVE_FORMAT_EXTENSIBLE fmt body (40 bytes) with a KSDATAFORMAT sub-format of <paramref name="subTag"/>.</summary>
    public static byte[] FmtExtensible(int subTag, int channels, int sampleRate, int bits, int validBits)
    {
        var b = new byte[40];
        Fmt(0xFFFE, channels, sampleRate, bits).CopyTo(b, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), channels == 2 ? 3u : 4u);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(24), (ushort)subTag);
        byte[] suffix = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        suffix.CopyTo(b, 26);
        return b;
    }

    public WavBuilder Chunk(string id, byte[] body, uint? declaredSize = null)
    {
        _chunks.Add((id, body, declaredSize));
        return this;
    }

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        ms.Write(System.Text.Encoding.ASCII.GetBytes(RiffId));
        ms.Write(word); // RIFF size, patched below
        ms.Write("WAVE"u8);
        foreach (var (id, body, declared) in _chunks)
        {
            ms.Write(System.Text.Encoding.ASCII.GetBytes(id));
            BinaryPrimitives.WriteUInt32LittleEndian(word, declared ?? (uint)body.Length);
            ms.Write(word);
            ms.Write(body);
            if (body.Length % 2 == 1)
            {
                ms.WriteByte(0);
            }
        }
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    /// <summary>A plain PCM/float WAV with the given interleaved sample bytes.</summary>
    public static byte[] Simple(int tag, int channels, int sampleRate, int bits, byte[] data) =>
        new WavBuilder().Chunk("fmt ", Fmt(tag, channels, sampleRate, bits)).Chunk("data", data).Build();

    public static byte[] Int16Samples(params short[] samples)
    {
        var b = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(i * 2), samples[i]);
        }
        return b;
    }

    /// <summary>16-bit samples of a sine of <paramref name="frequency"/> Hz at <paramref name="amplitude"/> of full scale.</summary>
    public static short[] Sine(double frequency, int sampleRate, double seconds, double amplitude)
    {
        var s = new short[(int)(sampleRate * seconds)];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return s;
    }
}

/// <summary>Measurements on decoded 16 kHz audio.</summary>
internal static class Signal
{
    /// <summary>Amplitude of the <paramref name="frequency"/> component (Goertzel), over the middle of the signal.</summary>
    public static double AmplitudeAt(ReadOnlySpan<float> samples, double frequency, int sampleRate = 16_000)
    {
        // Skip the edges, where the resampler's filter ramps in and out.
        var x = samples[(samples.Length / 8)..(samples.Length * 7 / 8)];
        double w = 2 * Math.PI * frequency / sampleRate;
        double coeff = 2 * Math.Cos(w), s1 = 0, s2 = 0;
        foreach (float v in x)
        {
            double s0 = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return 2 * Math.Sqrt(Math.Max(power, 0)) / x.Length;
    }

    public static double Rms(ReadOnlySpan<float> samples)
    {
        var x = samples[(samples.Length / 8)..(samples.Length * 7 / 8)];
        double sum = 0;
        foreach (float v in x)
        {
            sum += v * (double)v;
        }
        return Math.Sqrt(sum / x.Length);
    }

    /// <summary>Frequency estimated from rising zero crossings over the middle of the signal.</summary>
    public static double ZeroCrossingFrequency(ReadOnlySpan<float> samples, int sampleRate = 16_000)
    {
        var x = samples[(samples.Length / 8)..(samples.Length * 7 / 8)];
        int first = -1, last = -1, crossings = 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i - 1] < 0 && x[i] >= 0)
            {
                if (first < 0)
                {
                    first = i;
                }
                else
                {
                    crossings++;
                }
                last = i;
            }
        }
        return crossings == 0 ? 0 : crossings * sampleRate / (double)(last - first);
    }
}
