using SpeechToText.Core.Realtime;

namespace SpeechToText.UnitTests.Realtime;

public class Pcm16AssemblerTests
{
    private static short[] Whole(byte[] bytes)
    {
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void A_stream_cut_anywhere_gives_the_samples_of_the_whole(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[10_001];
        random.NextBytes(bytes);
        var assembled = new List<short>();
        int carry = -1;
        for (int i = 0; i < bytes.Length;)
        {
            int size = Math.Min(random.Next(0, 9), bytes.Length - i);
            var part = bytes.AsSpan(i, size);
            var samples = new short[Pcm16Assembler.SampleCount(carry, size)];
            carry = Pcm16Assembler.Assemble(carry, part, samples);
            assembled.AddRange(samples);
            i += size;
        }
        Assert.Equal(Whole(bytes), assembled);
        // 10,001 bytes: the last one waits for its pair.
        Assert.Equal(bytes[^1], carry);
    }

    [Fact]
    public void Samples_are_little_endian_and_signed()
    {
        var samples = new short[2];
        Assert.Equal(-1, Pcm16Assembler.Assemble(-1, [0x34, 0x12, 0x00, 0x80], samples));
        Assert.Equal([(short)0x1234, short.MinValue], samples);
        var one = new short[1];
        Assert.Equal(0x7F, Pcm16Assembler.Assemble(0xFF, [0x7F, 0x7F], one));
        Assert.Equal([(short)0x7FFF], one);
    }
}
