using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpeechToText.TestSupport;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Audio;

public class AudioDecoderTests
{
    private static readonly AudioSamples Samples = AudioSamples.Shared;

    private static AudioDecoder NewDecoder(AudioOptions? options = null)
    {
        var wrapped = Options.Create(options ?? new AudioOptions { FfmpegPath = AudioSamples.BundledFfmpeg });
        return new AudioDecoder(new WavDecoder(wrapped), new FfmpegDecoder(wrapped), wrapped);
    }

    /// <summary>A decoder whose ffmpeg is missing: reaching ffmpeg shows up as a 503 instead of the expected outcome.</summary>
    private static AudioDecoder DecoderWithoutFfmpeg() => NewDecoder(new AudioOptions { FfmpegPath = "/nonexistent/ffmpeg" });

    private static Task<DecodedAudio> DecodeAsync(AudioDecoder decoder, byte[] bytes) =>
        decoder.DecodeAsync(AudioUpload.FromBytes("upload", bytes), CancellationToken.None);

    /// <summary>Starts four decodes of the 60 s MP3 at once and returns the most that ran together.</summary>
    private static async Task<int> PeakConcurrentDecodesAsync(int limit)
    {
        var decoder = NewDecoder(new AudioOptions { FfmpegPath = AudioSamples.BundledFfmpeg, MaxConcurrentDecodes = limit });
        var bytes = File.ReadAllBytes(Samples.Speech60sMp3);
        var decodes = Enumerable.Range(0, 4).Select(_ => Task.Run(() => DecodeAsync(decoder, bytes))).ToArray();
        int peak = 0;
        while (!decodes.All(d => d.IsCompleted))
        {
            peak = Math.Max(peak, decoder.ActiveDecodes);
            await Task.Delay(1);
        }
        Assert.All(await Task.WhenAll(decodes), a => Assert.InRange(a.DurationSeconds, 59.95, 60.05));
        Assert.Equal(0, decoder.ActiveDecodes);
        return peak;
    }

    [Fact]
    public async Task Concurrent_decodes_wait_for_one_of_MaxConcurrentDecodes_and_all_complete()
    {
        Assert.Equal(1, await PeakConcurrentDecodesAsync(limit: 1));
        // The same load without the gate does overlap, so the 1 above is the gate's doing.
        Assert.True(await PeakConcurrentDecodesAsync(limit: 4) > 1);
    }

    // Raw ADTS is left out: without encoder delay information it decodes up to 43 ms long (FfmpegDecoderTests covers it).
    public static TheoryData<string> EverySample => new(AudioSamples.SpeechFiles
        .Where(f => f.Container != AudioContainer.Aac).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(EverySample))]
    public async Task Decodes_every_accepted_format_to_the_speech_length(string sample)
    {
        var audio = await DecodeAsync(NewDecoder(), File.ReadAllBytes(Samples[sample]));
        Assert.InRange(audio.DurationSeconds, Samples.SpeechSeconds - 0.05, Samples.SpeechSeconds + 0.05);
    }

    [Theory]
    [InlineData(nameof(AudioSamples.Wav16kMonoS16))]
    [InlineData(nameof(AudioSamples.Wav44kStereoS16))]
    [InlineData(nameof(AudioSamples.WavFloat32))]
    [InlineData(nameof(AudioSamples.WavExtensible))]
    public async Task Pcm_and_float_wav_never_start_ffmpeg(string sample)
    {
        var audio = await DecodeAsync(DecoderWithoutFfmpeg(), File.ReadAllBytes(Samples[sample]));
        Assert.True(audio.DurationSeconds > 1);
    }

    [Fact]
    public async Task Compressed_wav_goes_to_ffmpeg()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => DecodeAsync(DecoderWithoutFfmpeg(), File.ReadAllBytes(Samples.WavMuLaw)));
        Assert.Equal("decoder_unavailable", error.Code);
    }

    [Theory]
    [InlineData("#EXTM3U\n#EXTINF:10,\n/etc/passwd\n")]
    [InlineData("ffconcat version 1.0\nfile '/etc/passwd'\n")]
    [InlineData("<html><body>hello</body></html>")]
    [InlineData("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")]
    public async Task Content_that_is_not_audio_is_invalid_file_format_without_running_ffmpeg(string content)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => DecodeAsync(DecoderWithoutFfmpeg(), Encoding.UTF8.GetBytes(content)));
        Assert.Equal("invalid_file_format", error.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal("file", error.Param);
        Assert.Contains(ApiException.SupportedFormatsList, error.Message);
    }

    [Fact]
    public async Task An_empty_upload_is_invalid_file_format()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => DecodeAsync(NewDecoder(), []));
        Assert.Equal("invalid_file_format", error.Code);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public async Task Audio_under_a_tenth_of_a_second_is_audio_too_short()
    {
        // 0.099 s of WAV (managed path) and 0.05 s of FLAC (ffmpeg path); 0.1 s exactly is accepted.
        var shortWav = WavBuilder.Simple(1, 1, 16000, 16, new byte[2 * 1599]);
        var error = await Assert.ThrowsAsync<ApiException>(() => DecodeAsync(NewDecoder(), shortWav));
        Assert.Equal("audio_too_short", error.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal(1600, (await DecodeAsync(NewDecoder(), WavBuilder.Simple(1, 1, 16000, 16, new byte[2 * 1600]))).Samples.Length);

        string flac = Path.Combine(Path.GetTempPath(), $"stt-short-{Guid.NewGuid():N}.flac");
        try
        {
            AudioSamples.Run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=440:d=0.05", "-c:a", "flac", flac);
            var flacError = await Assert.ThrowsAsync<ApiException>(() => DecodeAsync(NewDecoder(), File.ReadAllBytes(flac)));
            Assert.Equal("audio_too_short", flacError.Code);
        }
        finally
        {
            File.Delete(flac);
        }
    }

    [Fact]
    public async Task Longer_than_the_maximum_is_audio_too_long_on_every_path()
    {
        var options = new AudioOptions { FfmpegPath = AudioSamples.BundledFfmpeg, MaxAudioDuration = TimeSpan.FromSeconds(2) };
        foreach (string sample in new[] { Samples.Wav44kStereoS16, Samples.Mp3 })
        {
            var error = await Assert.ThrowsAsync<ApiException>(() => DecodeAsync(NewDecoder(options), File.ReadAllBytes(sample)));
            Assert.Equal("audio_too_long", error.Code);
        }
    }

    [Fact]
    public async Task Sniffing_a_spilled_upload_looks_past_a_long_id3_tag()
    {
        // A FLAC file behind a 1000-byte ID3 tag: the 64-byte head alone would say MP3.
        byte[] tag = [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0x07, 0x5E, .. new byte[990]];
        byte[] file = [.. tag, .. File.ReadAllBytes(Samples.Flac)];
        Assert.Equal(AudioContainer.Mp3, AudioSniffer.Detect(file.AsSpan(0, 64)));
        string folder = Path.Combine(Path.GetTempPath(), $"stt-sniff-{Guid.NewGuid():N}");
        try
        {
            await using var upload = await AudioUpload.ReadAsync(new MemoryStream(file), "x", long.MaxValue, 0, folder, CancellationToken.None);
            Assert.NotNull(upload.TempFilePath);
            Assert.Null(upload.InMemory);
            Assert.Equal(AudioContainer.Flac, await AudioDecoder.SniffAsync(upload, CancellationToken.None));
            Assert.Equal(AudioContainer.Flac, await AudioDecoder.SniffAsync(AudioUpload.FromBytes("x", file), CancellationToken.None));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Registration_binds_validates_and_lets_FFMPEG_PATH_override()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audio:FfmpegPath"] = "/from/section",
            ["Audio:DecodeTimeout"] = "00:00:30",
            ["Audio:MaxAudioDuration"] = "02:00:00",
            ["Audio:TempDirectory"] = "/tmp/stt-custom",
            ["FFMPEG_PATH"] = "/from/env/ffmpeg",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddAudioDecoding(configuration).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AudioOptions>>().Value;
        Assert.Equal("/from/env/ffmpeg", options.FfmpegPath);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DecodeTimeout);
        Assert.Equal(TimeSpan.FromHours(2), options.MaxAudioDuration);
        Assert.Equal("/tmp/stt-custom", options.TempDirectory);
        Assert.IsType<AudioDecoder>(provider.GetRequiredService<IAudioDecoder>());
    }

    [Fact]
    public void Defaults_point_at_the_bundled_ffmpeg_and_sensible_limits()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddAudioDecoding(configuration).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AudioOptions>>().Value;
        Assert.Equal(AudioSamples.BundledFfmpeg, options.FfmpegPath);
        Assert.True(File.Exists(options.FfmpegPath), "the build did not copy the minimal ffmpeg next to the tests");
        Assert.Equal(TimeSpan.FromSeconds(120), options.DecodeTimeout);
        Assert.Equal(TimeSpan.FromHours(4), options.MaxAudioDuration);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "stt-temp"), options.TempDirectory);
    }

    [Theory]
    [InlineData("Audio:DecodeTimeout", "00:00:00", "DecodeTimeout")]
    [InlineData("Audio:MaxAudioDuration", "00:00:00.5", "MaxAudioDuration")]
    [InlineData("Audio:MaxAudioDuration", "3.00:00:00", "MaxAudioDuration")]
    [InlineData("Audio:FfmpegPath", " ", "FfmpegPath")]
    [InlineData("Audio:TempDirectory", "", "TempDirectory")]
    public void Invalid_settings_fail_at_start(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddAudioDecoding(configuration).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AudioOptions>>().Value);
        Assert.Contains(named, error.Message);
    }
}
