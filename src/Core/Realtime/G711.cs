namespace SpeechToText.Core.Realtime;

/// <summary>G.711 (ITU-T) µ-law and A-law bytes to 16-bit linear PCM, by the standard's expansion formulas.</summary>
public static class G711
{
    private static readonly short[] MuLaw = Table(MuLawToLinear);
    private static readonly short[] ALaw = Table(ALawToLinear);

    /// <summary>Expands <paramref name="encoded"/> into <paramref name="pcm"/> (one sample per byte).</summary>
    public static void Decode(ReadOnlySpan<byte> encoded, Span<short> pcm, RealtimeAudioFormat format)
    {
        var table = format == RealtimeAudioFormat.Pcmu ? MuLaw : format == RealtimeAudioFormat.Pcma ? ALaw
            : throw new ArgumentOutOfRangeException(nameof(format), format, "not a G.711 format");
        for (int i = 0; i < encoded.Length; i++)
        {
            pcm[i] = table[encoded[i]];
        }
    }

    private static short[] Table(Func<byte, short> expand)
    {
        var table = new short[256];
        for (int i = 0; i < 256; i++)
        {
            table[i] = expand((byte)i);
        }
        return table;
    }

    internal static short MuLawToLinear(byte code)
    {
        int u = ~code & 0xFF;
        int magnitude = ((((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
        return (short)((u & 0x80) != 0 ? -magnitude : magnitude);
    }

    internal static short ALawToLinear(byte code)
    {
        int a = code ^ 0x55;
        int mantissa = (a & 0x0F) << 4;
        int segment = (a >> 4) & 0x07;
        int magnitude = segment == 0 ? mantissa + 8 : (mantissa + 0x108) << (segment - 1);
        return (short)((a & 0x80) != 0 ? magnitude : -magnitude);
    }
}
