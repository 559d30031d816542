namespace SpeechToText.Core.Realtime;

/// <summary>
/// Little-endian 16-bit samples from appended bytes. A client may cut its byte stream anywhere, so an append can end in
/// the middle of a sample: that byte is carried to the next append. Pure, so the splitting rules are unit-tested.
/// </summary>
public static class Pcm16Assembler
{
    /// <summary>Samples <paramref name="bytes"/> completes after <paramref name="carry"/> (a pending first byte, or -1).</summary>
    public static int SampleCount(int carry, int bytes) => ((carry >= 0 ? 1 : 0) + bytes) / 2;

    /// <summary>
    /// Writes the samples of <paramref name="carry"/> + <paramref name="bytes"/> to <paramref name="samples"/>
    /// (<see cref="SampleCount"/> of them) and returns the byte left over for the next append, or -1.
    /// </summary>
    public static int Assemble(int carry, ReadOnlySpan<byte> bytes, Span<short> samples)
    {
        int carried = carry >= 0 ? 1 : 0;
        int count = SampleCount(carry, bytes.Length);
        for (int i = 0; i < count; i++)
        {
            int lo = 2 * i - carried;
            samples[i] = (short)((lo < 0 ? carry : bytes[lo]) | (bytes[lo + 1] << 8));
        }
        // An odd total leaves one byte: the last one sent, or (an empty append) the one already carried.
        return (carried + bytes.Length) % 2 == 0 ? -1 : bytes.Length > 0 ? bytes[^1] : carry;
    }
}
