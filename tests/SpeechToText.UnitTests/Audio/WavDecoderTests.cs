using System.Buffers.Binary;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;
using SpeechToText.TestSupport;

namespace SpeechToText.UnitTests.Audio;

/// <summary>The managed WAV decoder and resampler on WAV bytes written by hand: every header field, every sample width.</summary>
public class WavDecoderTests
{
    private static DecodedAudio Decode(byte[] wav, AudioOptions? options = null) => WavDecoding.Decode(wav, options);

    [Fact]
    public void Sixteen_khz_mono_s16_is_copied_sample_exact()
    {
        var audio = Decode(WavBuilder.Simple(1, 1, 16000, 16, WavBuilder.Int16Samples(0, 16384, -32768, 32767, -1)));
        Assert.Equal([0f, 0.5f, -1f, 32767f / 32768f, -1f / 32768f], audio.Samples);
    }

    public static TheoryData<string, int, int, byte[]> SampleFormats => new()
    {
        // Each encodes 0, +0.5, -0.5, +0.25 at 16 kHz mono.
        { "u8", 1, 8, [128, 192, 64, 160] },
        { "s16", 1, 16, WavBuilder.Int16Samples(0, 16384, -16384, 8192) },
        { "s24", 1, 24, [0, 0, 0, 0, 0, 0x40, 0, 0, 0xC0, 0, 0, 0x20] },
        { "s32", 1, 32, Ints(0, 1 << 30, -(1 << 30), 1 << 29) },
        { "f32", 3, 32, Floats(0, 0.5f, -0.5f, 0.25f) },
        { "f64", 3, 64, Doubles(0, 0.5, -0.5, 0.25) },
    };

    [Theory]
    [MemberData(nameof(SampleFormats))]
    public void Decodes_every_pcm_and_float_width(string name, int tag, int bits, byte[] data)
    {
        float[] expected = [0f, 0.5f, -0.5f, 0.25f];
        Assert.Equal(expected, Decode(WavBuilder.Simple(tag, 1, 16000, bits, data)).Samples);
        // The same samples behind WAVE_FORMAT_EXTENSIBLE with the matching sub-format.
        var extensible = new WavBuilder().Chunk("fmt ", WavBuilder.FmtExtensible(tag, 1, 16000, bits, bits)).Chunk("data", data).Build();
        Assert.True(Decode(extensible).Samples.SequenceEqual(expected), name);
    }

    [Fact]
    public void Float_samples_that_are_not_finite_or_over_full_scale_are_tamed()
    {
        var audio = Decode(WavBuilder.Simple(3, 1, 16000, 32, Floats(float.NaN, float.PositiveInfinity, 3f, -2f)));
        Assert.Equal([0f, 0f, 1f, -1f], audio.Samples);
    }

    [Fact]
    public void Channels_are_averaged()
    {
        // Stereo: L = +x, R = -x cancels; three channels average.
        var opposite = Decode(WavBuilder.Simple(1, 2, 16000, 16, WavBuilder.Int16Samples(16384, -16384, 8192, -8192)));
        Assert.Equal([0f, 0f], opposite.Samples);
        var three = Decode(WavBuilder.Simple(1, 3, 16000, 16, WavBuilder.Int16Samples(16384, 0, -16384, 3 * 4096, 3 * 4096, 3 * 4096)));
        Assert.Equal([0f, 0.375f], three.Samples);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(11025)]
    [InlineData(22050)]
    [InlineData(32000)]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(96000)]
    [InlineData(7999)]   // coprime with 16000: more phases than the table holds, so phases are rounded
    [InlineData(192000)]
    public void Resamples_any_rate_keeping_length_frequency_and_amplitude(int rate)
    {
        var sine = WavBuilder.Sine(1000, rate, 1.5, 0.5);
        var audio = Decode(WavBuilder.Simple(1, 1, rate, 16, WavBuilder.Int16Samples(sine)));
        long expectedLength = (long)Math.Ceiling(sine.Length * 16000.0 / rate);
        Assert.InRange(audio.Samples.Length, expectedLength - 1, expectedLength);
        Assert.InRange(Signal.ZeroCrossingFrequency(audio.Samples), 998, 1002);
        Assert.InRange(Signal.AmplitudeAt(audio.Samples, 1000), 0.49, 0.51);
    }

    [Fact]
    public void A_6_khz_tone_stays_in_the_passband()
    {
        var sine = WavBuilder.Sine(6000, 44100, 1, 0.5);
        var audio = Decode(WavBuilder.Simple(1, 1, 44100, 16, WavBuilder.Int16Samples(sine)));
        Assert.InRange(Signal.AmplitudeAt(audio.Samples, 6000), 0.48, 0.51);
    }

    [Fact]
    public void Skips_unknown_chunks_odd_padding_and_data_before_fmt()
    {
        var data = WavBuilder.Int16Samples(1000, 2000, 3000);
        var wav = new WavBuilder()
            .Chunk("JUNK", new byte[3])                       // odd size: one pad byte follows
            .Chunk("LIST", "INFOISFT\x05\0\0\0sox!\0"u8.ToArray())
            .Chunk("data", data)
            .Chunk("fmt ", [.. WavBuilder.Fmt(1, 1, 16000, 16), 0, 0]) // 18-byte fmt with cbSize 0
            .Chunk("cue ", new byte[5])
            .Build();
        Assert.Equal([1000 / 32768f, 2000 / 32768f, 3000 / 32768f], Decode(wav).Samples);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu)] // streamed: length unknown
    [InlineData(0u)]          // written before the length was known
    [InlineData(1_000_000u)]  // longer than the file: truncated upload
    public void Data_chunks_without_a_usable_size_use_what_is_there(uint declaredSize)
    {
        var data = WavBuilder.Int16Samples(100, 200, 300, 400);
        var wav = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 1, 16000, 16)).Chunk("data", data, declaredSize).Build();
        Assert.Equal(4, Decode(wav).Samples.Length);
    }

    [Fact]
    public void Reads_rf64_with_its_ds64_sizes()
    {
        var data = WavBuilder.Int16Samples(1, 2, 3, 4, 5, 6);
        var ds64 = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(ds64.AsSpan(8), data.Length - 4); // data size: the first 4 samples only
        var wav = new WavBuilder { RiffId = "RF64" }
            .Chunk("ds64", ds64).Chunk("fmt ", WavBuilder.Fmt(1, 1, 16000, 16)).Chunk("data", data, 0xFFFFFFFF).Build();
        Assert.Equal(4, Decode(wav).Samples.Length);
    }

    public static TheoryData<string, byte[], string> AbsurdHeaders => new()
    {
        { "no channels", WavBuilder.Fmt(1, 0, 16000, 16, 2), "0 channels" },
        { "65 channels", WavBuilder.Fmt(1, 65, 16000, 16), "65 channels" },
        { "rate 0", WavBuilder.Fmt(1, 1, 0, 16), "sample rate of 0 Hz" },
        { "rate 1 MHz", WavBuilder.Fmt(1, 1, 1_000_000, 16), "sample rate of 1000000 Hz" },
        { "12-bit PCM", WavBuilder.Fmt(1, 1, 16000, 12, 2), "12-bit PCM" },
        { "16-bit float", WavBuilder.Fmt(3, 1, 16000, 16), "16-bit float" },
        { "block align", WavBuilder.Fmt(1, 2, 16000, 16, 3), "block align 3" },
        { "block align 0", WavBuilder.Fmt(7, 1, 8000, 8, 0), "block align of 0" },
        { "short fmt", new byte[10], "shorter than the 16" },
        { "valid bits", WavBuilder.FmtExtensible(1, 1, 16000, 16, 24), "24 valid bits" },
        { "extensible too short", WavBuilder.Fmt(0xFFFE, 1, 16000, 16), "EXTENSIBLE" },
    };

    [Theory]
    [MemberData(nameof(AbsurdHeaders))]
    public void Absurd_headers_are_invalid_file_format_with_a_reason(string name, byte[] fmt, string reason)
    {
        var wav = new WavBuilder().Chunk("fmt ", fmt).Chunk("data", new byte[3200]).Build();
        var error = Assert.Throws<ApiException>(() => Decode(wav));
        Assert.Equal("invalid_file_format", error.Code);
        Assert.Equal(400, error.Status);
        Assert.Contains(reason, error.Message);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Longer_than_the_maximum_is_audio_too_long_before_decoding()
    {
        var wav = WavBuilder.Simple(1, 1, 16000, 16, new byte[2 * 16000 * 3]); // 3 s
        var error = Assert.Throws<ApiException>(() => Decode(wav, new AudioOptions { MaxAudioDuration = TimeSpan.FromSeconds(2) }));
        Assert.Equal("audio_too_long", error.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal(3.0, Decode(wav, new AudioOptions { MaxAudioDuration = TimeSpan.FromSeconds(3) }).DurationSeconds);
    }

    private static byte[] Ints(params int[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(i * 4), values[i]);
        }
        return b;
    }

    private static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), values[i]);
        }
        return b;
    }

    private static byte[] Doubles(params double[] values)
    {
        var b = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), values[i]);
        }
        return b;
    }
}
