using System.Text;
using SpeechToText.Core.Audio;

namespace SpeechToText.UnitTests.Audio;

/// <summary>Sniffing from bytes written here; the real encoded samples are checked in the integration tests (AudioSnifferSampleTests).</summary>
public class AudioSnifferTests
{
    [Theory]
    [InlineData("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n")]
    [InlineData("ffconcat version 1.0\nfile '/etc/passwd'\n")]
    [InlineData("<!DOCTYPE html><html><body>not audio</body></html>")]
    [InlineData("RIFF\u0024\0\0\0AVI LIST")]
    [InlineData("ID3 is the name of a tag format")]
    [InlineData("OggS")]
    public void Text_and_lookalikes_are_unknown(string content)
    {
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Detect(Encoding.Latin1.GetBytes(content)));
    }

    [Fact]
    public void Zeros_empty_and_short_input_are_unknown()
    {
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Detect(new byte[64]));
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Detect([]));
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Detect([0xFF, 0xFB]));
    }

    [Fact]
    public void Random_bytes_are_unknown()
    {
        var random = new Random(1234);
        var head = new byte[64];
        int recognised = 0;
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(head);
            if (AudioSniffer.Detect(head) != AudioContainer.Unknown)
            {
                recognised++;
            }
        }
        // A 4-byte MPEG/ADTS header can occur by chance (about 1 in 10^4); anything more means the checks are loose.
        Assert.True(recognised <= 3, $"{recognised} of 10000 random heads were taken for audio");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, AudioContainer.Mp3)]  // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    [InlineData(new byte[] { 0xFF, 0xF3, 0x48, 0xC4 }, AudioContainer.Mp3)]  // MPEG-2 layer III
    [InlineData(new byte[] { 0xFF, 0xFD, 0x90, 0x64 }, AudioContainer.Unknown)] // layer II: no decoder bundled
    [InlineData(new byte[] { 0xFF, 0xEB, 0x90, 0x64 }, AudioContainer.Unknown)] // reserved MPEG version
    [InlineData(new byte[] { 0xFF, 0xFB, 0xF0, 0x64 }, AudioContainer.Unknown)] // bitrate index 15
    [InlineData(new byte[] { 0xFF, 0xFB, 0x00, 0x64 }, AudioContainer.Unknown)] // free-format bitrate
    [InlineData(new byte[] { 0xFF, 0xFB, 0x9C, 0x64 }, AudioContainer.Unknown)] // reserved sample rate
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x66 }, AudioContainer.Unknown)] // reserved emphasis
    [InlineData(new byte[] { 0xFF, 0x00, 0x90, 0x64 }, AudioContainer.Unknown)] // a lone 0xFF is not a sync word
    [InlineData(new byte[] { 0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC }, AudioContainer.Aac)] // ADTS, 44.1 kHz stereo
    [InlineData(new byte[] { 0xFF, 0xF1, 0x7C, 0x80, 0x2E, 0x7F, 0xFC }, AudioContainer.Unknown)] // ADTS, sampling index 15
    [InlineData(new byte[] { 0xFF, 0xF1, 0x50, 0x80, 0x00, 0x1F, 0xFC }, AudioContainer.Unknown)] // ADTS, frame shorter than its header
    public void Validates_mpeg_and_adts_frame_headers(byte[] head, AudioContainer expected)
    {
        Assert.Equal(expected, AudioSniffer.Detect(head));
    }

    [Fact]
    public void Looks_past_an_id3_tag_when_the_bytes_are_there()
    {
        byte[] tag = [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 20, .. new byte[20]];
        Assert.Equal(30, AudioSniffer.Id3TagLength(tag));
        Assert.Equal(AudioContainer.Mp3, AudioSniffer.Detect(tag));
        Assert.Equal(AudioContainer.Flac, AudioSniffer.Detect([.. tag, .. "fLaC\0\0\0\x22"u8]));
        Assert.Equal(AudioContainer.Aac, AudioSniffer.Detect([.. tag, 0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC]));
        Assert.Equal(AudioContainer.Mp3, AudioSniffer.Detect([.. tag, 0xFF, 0xFB, 0x90, 0x64]));
        // Size bytes are syncsafe: a set high bit means it is not an ID3 tag.
        Assert.Null(AudioSniffer.Id3TagLength([(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0x80, 0, 0, 0]));
    }

    [Fact]
    public void Recognises_rf64_but_not_other_riff_forms()
    {
        Assert.Equal(AudioContainer.Wav, AudioSniffer.Detect([.. "RF64"u8, 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVEds64"u8]));
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Detect("RIFF\0\0\0\0AVI LIST"u8.ToArray()));
        Assert.Equal(AudioContainer.Unknown, AudioSniffer.Detect("RIFF\0\0\0\0WEBPVP8 "u8.ToArray()));
    }
}
