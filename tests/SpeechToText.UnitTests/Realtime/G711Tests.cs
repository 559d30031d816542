using SpeechToText.Core.Realtime;

namespace SpeechToText.UnitTests.Realtime;

public class G711Tests
{
    private static short Decode(byte code, RealtimeAudioFormat format)
    {
        var pcm = new short[1];
        G711.Decode([code], pcm, format);
        return pcm[0];
    }

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x00, -32124)]
    [InlineData(0x80, 32124)]
    [InlineData(0xF0, 120)]
    [InlineData(0x70, -120)]
    public void Mu_law_expands_as_the_standard_says(byte code, short expected) => Assert.Equal(expected, Decode(code, RealtimeAudioFormat.Pcmu));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void A_law_expands_as_the_standard_says(byte code, short expected) => Assert.Equal(expected, Decode(code, RealtimeAudioFormat.Pcma));

    [Fact]
    public void Every_code_decodes_monotonically_within_its_sign()
    {
        var mu = Enumerable.Range(0, 256).Select(c => Decode((byte)c, RealtimeAudioFormat.Pcmu)).ToArray();
        // µ-law: 0x80..0xFF are positive, descending in magnitude as the code rises.
        for (int c = 0x81; c <= 0xFF; c++)
        {
            Assert.True(mu[c] <= mu[c - 1], $"code {c:x2}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => G711.Decode([0], new short[1], RealtimeAudioFormat.Pcm24k));
    }
}
