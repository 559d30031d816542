using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;
using SpeechToText.TestSupport;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Audio;

/// <summary>The managed WAV decoder on files ffmpeg and sox generated (the pure cases are in the unit lane).</summary>
public class WavDecoderTests
{
    private static readonly AudioSamples Samples = AudioSamples.Shared;

    internal static DecodedAudio Decode(byte[] wav, AudioOptions? options = null) => WavDecoding.Decode(wav, options);

    private static DecodedAudio DecodeFile(string path) => Decode(File.ReadAllBytes(path));

    [Fact]
    public void One_khz_sine_at_44k_stereo_comes_out_at_16k_with_frequency_and_amplitude_intact()
    {
        var audio = DecodeFile(Samples.Sine1kHz44kStereo);
        Assert.InRange(audio.Samples.Length, 32000 - 1, 32000 + 1);
        Assert.InRange(Signal.ZeroCrossingFrequency(audio.Samples), 998, 1002);
        Assert.InRange(Signal.AmplitudeAt(audio.Samples, 1000), 0.49, 0.51);
    }

    [Fact]
    public void A_12_khz_tone_at_48k_is_removed_not_aliased()
    {
        var audio = DecodeFile(Samples.Tone12kHz48k);
        // Plain decimation by 3 would fold it to 4 kHz at full amplitude (0.5); the filter must leave < -60 dB.
        Assert.True(Signal.AmplitudeAt(audio.Samples, 4000) < 0.0005, $"4 kHz alias at {Signal.AmplitudeAt(audio.Samples, 4000)}");
        Assert.True(Signal.Rms(audio.Samples) < 0.0005, $"residual RMS {Signal.Rms(audio.Samples)}");
    }

    public static TheoryData<string> WavSamples => new()
    {
        nameof(AudioSamples.Wav16kMonoS16),
        nameof(AudioSamples.Wav44kStereoS16),
        nameof(AudioSamples.Wav48kS24),
        nameof(AudioSamples.Wav8kU8),
        nameof(AudioSamples.WavFloat32),
        nameof(AudioSamples.WavFloat64),
        nameof(AudioSamples.WavExtensible),
    };

    [Theory]
    [MemberData(nameof(WavSamples))]
    public void Decodes_generated_wav_files_in_step_with_the_reference(string sample)
    {
        var reference = DecodeFile(Samples.Wav16kMonoS16).Samples;
        var audio = DecodeFile(Samples[sample]).Samples;
        Assert.InRange(audio.Length / 16000.0, Samples.SpeechSeconds - 0.005, Samples.SpeechSeconds + 0.005);
        // Same speech, same timing: a misaligned, mis-scaled or garbled decode would not correlate.
        double correlation = Correlation(reference, audio);
        double minimum = sample == nameof(AudioSamples.Wav8kU8) ? 0.8 : 0.97; // 8 kHz drops everything above 4 kHz
        Assert.True(correlation > minimum, $"correlation with the 16 kHz reference is {correlation:0.000}");
    }

    [Fact]
    public void A_truncated_file_keeps_its_whole_frames()
    {
        var full = File.ReadAllBytes(Samples.Wav44kStereoS16);
        var cut = full.AsSpan(0, 44 + 4 * 44100 / 2 + 3).ToArray(); // half a second plus a partial frame
        var audio = Decode(cut);
        Assert.InRange(audio.DurationSeconds, 0.499, 0.501);
    }

    [Fact]
    public void Files_missing_a_chunk_or_the_wave_form_are_invalid()
    {
        var noData = new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, 1, 16000, 16)).Build();
        Assert.Contains("no data chunk", Assert.Throws<ApiException>(() => Decode(noData)).Message);
        var noFmt = new WavBuilder().Chunk("data", new byte[100]).Build();
        Assert.Contains("no fmt chunk", Assert.Throws<ApiException>(() => Decode(noFmt)).Message);
        var truncatedHeader = File.ReadAllBytes(Samples.Wav16kMonoS16).AsSpan(0, 30).ToArray();
        Assert.Equal("invalid_file_format", Assert.Throws<ApiException>(() => Decode(truncatedHeader)).Code);
    }

    [Fact]
    public void Compressed_formats_are_recognised_and_left_to_ffmpeg()
    {
        using var stream = File.OpenRead(Samples.WavMuLaw);
        var header = WavHeader.Read(stream);
        Assert.Equal(WavEncoding.Compressed, header.Encoding);
        Assert.Equal(7, header.FormatTag);
        Assert.False(WavDecoder.CanDecode(header));
        Assert.Throws<ArgumentException>(() => new WavDecoder(Options.Create(new AudioOptions())).Decode(stream, header));
    }

    internal static double Correlation(float[] a, float[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < n; i++)
        {
            ab += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
