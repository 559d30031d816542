using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using SpeechToText.TestSupport;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Audio;

// Runs real processes and reads /proc: Linux, like every machine of this project.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FfmpegDecoderTests : IDisposable
{
    private static readonly AudioSamples Samples = AudioSamples.Shared;
    private readonly string _tempDirectory = Path.Combine(Path.GetTempPath(), $"stt-ffmpeg-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_tempDirectory))
        {
            Directory.Delete(_tempDirectory, recursive: true);
        }
    }

    private AudioOptions NewOptions(string? ffmpeg = null) => new()
    {
        FfmpegPath = ffmpeg ?? AudioSamples.BundledFfmpeg,
        TempDirectory = _tempDirectory,
    };

    private FfmpegDecoder NewDecoder(AudioOptions? options = null) => new(Options.Create(options ?? NewOptions()));

    /// <summary>An upload held on disk (as large requests are), so ffmpeg reads it by path.</summary>
    private async Task<AudioUpload> SpilledUploadAsync(string path)
    {
        await using var source = File.OpenRead(path);
        var upload = await AudioUpload.ReadAsync(source, Path.GetFileName(path), long.MaxValue, memoryThreshold: 0, _tempDirectory,
            CancellationToken.None);
        Assert.NotNull(upload.TempFilePath);
        return upload;
    }

    /// <summary>Every non-WAV sample, plus a compressed and a PCM WAV (which ffmpeg must also read).</summary>
    public static TheoryData<string, AudioContainer> Containers => AudioSamples.SpeechFileData((name, container) =>
        container != AudioContainer.Wav || name is nameof(AudioSamples.WavMuLaw) or nameof(AudioSamples.Wav44kStereoS16));

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task Decodes_every_container_from_memory_and_from_disk_to_the_speech_length(string sample, AudioContainer container)
    {
        string path = Samples[sample];
        // Raw ADTS carries no encoder delay or padding, so up to two 1024-sample frames (43 ms at 48 kHz) run over.
        double tolerance = container == AudioContainer.Aac ? 0.09 : 0.05;
        var reference = WavDecoderTests_Reference();

        var fromMemory = await NewDecoder().DecodeAsync(AudioUpload.FromBytes("x", File.ReadAllBytes(path)), container, CancellationToken.None);
        Assert.InRange(fromMemory.DurationSeconds, Samples.SpeechSeconds - 0.05, Samples.SpeechSeconds + tolerance);
        Assert.All(fromMemory.Samples, v => Assert.InRange(v, -1f, 1f));
        // The decoded speech has the reference's energy: not silence, not noise, not another gain.
        double rmsRatio = Signal.Rms(fromMemory.Samples) / Signal.Rms(reference);
        Assert.InRange(rmsRatio, 0.7, 1.3);

        await using var spilled = await SpilledUploadAsync(path);
        var fromDisk = await NewDecoder().DecodeAsync(spilled, container, CancellationToken.None);
        // Through a pipe and from a file the MP3 demuxer trims encoder padding differently (about 25 ms here).
        Assert.InRange(fromDisk.Samples.Length, fromMemory.Samples.Length - 800, fromMemory.Samples.Length + 800);
        Assert.InRange(fromDisk.DurationSeconds, Samples.SpeechSeconds - 0.05, Samples.SpeechSeconds + tolerance);
    }

    private static float[] WavDecoderTests_Reference() =>
        WavDecoderTests.Decode(File.ReadAllBytes(Samples.Wav16kMonoS16)).Samples;

    [Fact]
    public async Task Mp4_with_the_index_at_the_end_goes_through_a_temp_file_that_is_deleted()
    {
        var moovAtEnd = File.ReadAllBytes(Samples.Mp4MoovAtEnd);
        Assert.False(FfmpegDecoder.MoovPrecedesMdat(moovAtEnd));
        Assert.True(FfmpegDecoder.MoovPrecedesMdat(File.ReadAllBytes(Samples.Mp4MoovAtFront)));

        var audio = await NewDecoder().DecodeAsync(AudioUpload.FromBytes("a.mp4", moovAtEnd), AudioContainer.Mp4, CancellationToken.None);
        Assert.InRange(audio.DurationSeconds, Samples.SpeechSeconds - 0.05, Samples.SpeechSeconds + 0.05);
        Assert.True(Directory.Exists(_tempDirectory), "the temp folder was never used");
        Assert.Empty(Directory.GetFiles(_tempDirectory));

        // Also when decoding fails: an index-at-end file whose samples are garbage.
        var broken = (byte[])moovAtEnd.Clone();
        Array.Fill(broken, (byte)0x5A, 64, broken.Length - 64);
        await Assert.ThrowsAsync<ApiException>(() => NewDecoder().DecodeAsync(AudioUpload.FromBytes("b.mp4", broken), AudioContainer.Mp4,
            CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_tempDirectory));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 62)]
    [InlineData(-1L)]
    public void A_64_bit_box_size_past_the_end_means_no_moov_ahead(long largeSize)
    {
        // ftyp, then a box whose 64-bit size runs past the end, then a moov it would hide.
        byte[] file = [0, 0, 0, 8, .. "ftyp"u8, 0, 0, 0, 1, .. "free"u8, .. new byte[8], 0, 0, 0, 8, .. "moov"u8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(file.AsSpan(16), largeSize);
        Assert.False(FfmpegDecoder.MoovPrecedesMdat(file));
    }

    [Theory]
    [InlineData(nameof(AudioSamples.Mp3), AudioContainer.Mp3)]
    [InlineData(nameof(AudioSamples.OggVorbis), AudioContainer.Ogg)]
    [InlineData(nameof(AudioSamples.Flac), AudioContainer.Flac)]
    [InlineData(nameof(AudioSamples.Webm), AudioContainer.Webm)]
    public async Task A_file_cut_in_half_decodes_its_first_half(string sample, AudioContainer container)
    {
        var bytes = File.ReadAllBytes(Samples[sample]);
        var half = bytes.AsSpan(0, bytes.Length / 2).ToArray();
        var audio = await NewDecoder().DecodeAsync(AudioUpload.FromBytes("x", half), container, CancellationToken.None);
        Assert.InRange(audio.DurationSeconds, Samples.SpeechSeconds * 0.25, Samples.SpeechSeconds * 0.75);
    }

    [Theory]
    [InlineData(nameof(AudioSamples.Mp3), AudioContainer.Mp3)]
    [InlineData(nameof(AudioSamples.OggOpus), AudioContainer.Ogg)]
    [InlineData(nameof(AudioSamples.M4a), AudioContainer.Mp4)]
    [InlineData(nameof(AudioSamples.Webm), AudioContainer.Webm)]
    public async Task A_file_cut_inside_its_header_is_invalid_file_format(string sample, AudioContainer container)
    {
        var head = File.ReadAllBytes(Samples[sample]).AsSpan(0, 60).ToArray();
        var error = await Assert.ThrowsAsync<ApiException>(() =>
            NewDecoder().DecodeAsync(AudioUpload.FromBytes("x", head), container, CancellationToken.None));
        Assert.Equal("invalid_file_format", error.Code);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task Ffmpeg_errors_are_reported_without_the_servers_temp_path()
    {
        var garbage = new byte[20_000];
        new Random(7).NextBytes(garbage);
        "OggS\0"u8.CopyTo(garbage);
        string path = Path.Combine(_tempDirectory, "garbage.ogg");
        Directory.CreateDirectory(_tempDirectory);
        await File.WriteAllBytesAsync(path, garbage);
        await using var upload = await SpilledUploadAsync(path);

        var error = await Assert.ThrowsAsync<ApiException>(() => NewDecoder().DecodeAsync(upload, AudioContainer.Ogg, CancellationToken.None));
        Assert.Equal("invalid_file_format", error.Code);
        Assert.Contains("ogg", error.Message);
        Assert.DoesNotContain(_tempDirectory, error.Message);
    }

    /// <summary>Debian's full ffmpeg has the concat and HLS demuxers and follows file references when it probes.</summary>
    private const string FullFfmpeg = "/usr/bin/ffmpeg";

    private (string Ffconcat, string Playlist) WritePlaylistsReferencing(string target)
    {
        Directory.CreateDirectory(_tempDirectory);
        File.Copy(target, Path.Combine(_tempDirectory, "referenced.wav"));
        string ffconcat = Path.Combine(_tempDirectory, "list.ffconcat");
        File.WriteAllText(ffconcat, "ffconcat version 1.0\nfile referenced.wav\n");
        string playlist = Path.Combine(_tempDirectory, "list.m3u8");
        File.WriteAllText(playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nreferenced.wav\n#EXT-X-ENDLIST\n");
        return (ffconcat, playlist);
    }

    [Fact]
    public async Task Playlists_forced_through_any_demuxer_never_reach_the_files_they_name()
    {
        var (ffconcat, playlist) = WritePlaylistsReferencing(Samples.Wav16kMonoS16);
        // Control: left to probe, the full ffmpeg does read the referenced file through the playlist.
        string probed = AudioSamples.Run(FullFfmpeg, "-hide_banner", "-nostdin", "-i", ffconcat, "-f", "f32le", "-ac", "1", "-ar", "16000",
            "-loglevel", "error", "-y", Path.Combine(_tempDirectory, "probed.raw"));
        Assert.Empty(probed);
        Assert.True(new FileInfo(Path.Combine(_tempDirectory, "probed.raw")).Length > 16000 * 4, "control: concat was not followed");

        foreach (string ffmpeg in new[] { FullFfmpeg, AudioSamples.BundledFfmpeg })
        {
            foreach (string file in new[] { ffconcat, playlist })
            {
                foreach (var container in Enum.GetValues<AudioContainer>().Where(c => c != AudioContainer.Unknown))
                {
                    var decoder = NewDecoder(NewOptions(ffmpeg));
                    // From memory (pipe) and from disk (file protocol, where relative references would resolve).
                    await using var spilled = await SpilledUploadAsync(file);
                    foreach (var upload in new[] { AudioUpload.FromBytes("list", File.ReadAllBytes(file)), spilled })
                    {
                        var error = await Assert.ThrowsAsync<ApiException>(() => decoder.DecodeAsync(upload, container, CancellationToken.None));
                        Assert.True(error.Code == "invalid_file_format", $"{ffmpeg} {Path.GetFileName(file)} as {container}: {error.Code} {error.Message}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Arguments_force_the_demuxer_and_a_single_protocol()
    {
        var fromPipe = FfmpegDecoder.BuildArguments("mp3", null);
        Assert.Equal(["-protocol_whitelist", "pipe", "-f", "mp3", "-i", "pipe:0"], fromPipe.Skip(fromPipe.IndexOf("-protocol_whitelist")).Take(6));
        var fromFile = FfmpegDecoder.BuildArguments("mov", "/tmp/x y.bin");
        Assert.Equal(["-protocol_whitelist", "file", "-f", "mov", "-i", "file:/tmp/x y.bin"], fromFile.Skip(fromFile.IndexOf("-protocol_whitelist")).Take(6));
        Assert.Contains("-nostdin", fromFile);
        Assert.Equal(["-f", "f32le", "pipe:1"], fromFile.TakeLast(3));
        Assert.Null(FfmpegDecoder.DemuxerFor(AudioContainer.Unknown));
    }

    [Fact]
    public async Task Ffmpeg_runs_without_a_shell_and_without_the_servers_environment()
    {
        // A stand-in "ffmpeg" that records its environment and arguments, then fails.
        Directory.CreateDirectory(_tempDirectory);
        string script = Path.Combine(_tempDirectory, "fake-ffmpeg");
        File.WriteAllText(script, $"#!/bin/sh\n/usr/bin/env > '{_tempDirectory}/env.txt'\nfor a in \"$@\"; do echo \"$a\"; done > '{_tempDirectory}/args.txt'\nexit 3\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("STT_TEST_SECRET", "do-not-pass");

        var error = await Assert.ThrowsAsync<ApiException>(() =>
            NewDecoder(NewOptions(script)).DecodeAsync(AudioUpload.FromBytes("x", File.ReadAllBytes(Samples.Mp3)), AudioContainer.Mp3,
                CancellationToken.None));

        Assert.Equal("invalid_file_format", error.Code);
        string env = File.ReadAllText(Path.Combine(_tempDirectory, "env.txt"));
        Assert.DoesNotContain("STT_TEST_SECRET", env);
        Assert.DoesNotContain("PATH=", env.Split('\n').Where(l => l.StartsWith("PATH=", StringComparison.Ordinal)));
        var args = File.ReadAllLines(Path.Combine(_tempDirectory, "args.txt"));
        Assert.Equal(FfmpegDecoder.BuildArguments("mp3", null), args);
    }

    [Fact]
    public async Task A_decode_past_the_time_limit_is_a_400_decode_timeout_and_ffmpeg_is_killed()
    {
        await using var upload = await SpilledUploadAsync(Samples.HourOfSilenceFlac);
        var options = NewOptions();
        options.DecodeTimeout = TimeSpan.FromMilliseconds(300);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ApiException>(() => NewDecoder(options).DecodeAsync(upload, AudioContainer.Flac, CancellationToken.None));

        Assert.Equal(400, error.Status);
        Assert.Equal("decode_timeout", error.Code);
        Assert.Equal("file", error.Param);
        Assert.Contains("0.3 s", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.False(ProcessMentions(upload.TempFilePath!), "an ffmpeg reading the upload is still running");
    }

    [Fact]
    public async Task Output_beyond_the_maximum_duration_stops_ffmpeg_with_audio_too_long()
    {
        await using var upload = await SpilledUploadAsync(Samples.HourOfSilenceFlac);
        var options = NewOptions();
        options.MaxAudioDuration = TimeSpan.FromMinutes(1);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ApiException>(() => NewDecoder(options).DecodeAsync(upload, AudioContainer.Flac, CancellationToken.None));

        Assert.Equal(400, error.Status);
        Assert.Equal("audio_too_long", error.Code);
        // Decoding the whole hour takes seconds; stopping at a minute must not.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {stopwatch.Elapsed}");
        Assert.False(ProcessMentions(upload.TempFilePath!), "an ffmpeg reading the upload is still running");
    }

    [Fact]
    public async Task Cancellation_kills_ffmpeg()
    {
        await using var upload = await SpilledUploadAsync(Samples.HourOfSilenceFlac);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NewDecoder().DecodeAsync(upload, AudioContainer.Flac, cts.Token));

        Assert.False(ProcessMentions(upload.TempFilePath!), "an ffmpeg reading the upload is still running");
    }

    [Fact]
    public async Task A_missing_or_unrunnable_ffmpeg_is_a_503_not_a_client_error()
    {
        var upload = AudioUpload.FromBytes("x", File.ReadAllBytes(Samples.Mp3));
        foreach (string path in new[] { "/nonexistent/ffmpeg", "/etc/hostname" })
        {
            var error = await Assert.ThrowsAsync<ApiException>(() => NewDecoder(NewOptions(path)).DecodeAsync(upload, AudioContainer.Mp3,
                CancellationToken.None));
            Assert.Equal(503, error.Status);
            Assert.Equal("api_error", error.Type);
            Assert.Equal("decoder_unavailable", error.Code);
            Assert.Contains(path, error.Message);
        }
    }

    /// <summary>Whether any running process has <paramref name="text"/> in its command line.</summary>
    internal static bool ProcessMentions(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }
            try
            {
                if (File.ReadAllBytes(Path.Combine(dir, "cmdline")).AsSpan().IndexOf(needle) >= 0)
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }
        return false;
    }
}
