using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Audio;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DecodeTimingCollection
{
    public const string Name = "Decode timing (runs alone)";
}

/// <summary>
/// The WAV path is on the benchmark's hot path: these pin its cost (best of five, after a warm-up,
/// with no other test running) and print the numbers. The limits are for an optimised (Release) Core;
/// a Debug build runs the resampler about ten times slower, so there they are four times looser.
/// </summary>
[Collection(DecodeTimingCollection.Name)]
public class DecodeTimingTests(ITestOutputHelper output)
{
    private static readonly AudioSamples Samples = AudioSamples.Shared;

    private static readonly bool CoreIsOptimized =
        typeof(WavDecoder).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    private static TimeSpan Limit(double optimizedMilliseconds) =>
        TimeSpan.FromMilliseconds(CoreIsOptimized ? optimizedMilliseconds : optimizedMilliseconds * 4);

    private async Task<TimeSpan> BestOfFiveAsync(string path)
    {
        var options = Options.Create(new AudioOptions { FfmpegPath = AudioSamples.BundledFfmpeg });
        var decoder = new AudioDecoder(new WavDecoder(options), new FfmpegDecoder(options), options);
        var bytes = await File.ReadAllBytesAsync(path);
        var best = TimeSpan.MaxValue;
        for (int i = 0; i < 6; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var audio = await decoder.DecodeAsync(AudioUpload.FromBytes("x", bytes), CancellationToken.None);
            stopwatch.Stop();
            Assert.InRange(audio.DurationSeconds, 59.95, 60.05);
            if (i > 0 && stopwatch.Elapsed < best)
            {
                best = stopwatch.Elapsed;
            }
        }
        output.WriteLine($"{Path.GetFileName(path)}: {best.TotalMilliseconds:0.0} ms for 60 s of audio ({(CoreIsOptimized ? "optimised" : "Debug")} build)");
        return best;
    }

    [Fact]
    public async Task Sixty_seconds_of_16k_mono_wav_decode_in_a_few_milliseconds() =>
        Assert.True(await BestOfFiveAsync(Samples.Speech60sWav16kMono) < Limit(10));

    [Fact]
    public async Task Sixty_seconds_of_44k_stereo_wav_decode_and_resample_well_under_100_ms() =>
        Assert.True(await BestOfFiveAsync(Samples.Speech60sWav44kStereo) < Limit(75));

    [Fact]
    public async Task Sixty_seconds_of_mp3_decode_through_ffmpeg_in_well_under_a_second() =>
        Assert.True(await BestOfFiveAsync(Samples.Speech60sMp3) < Limit(500));
}
