using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Models;
using SpeechToText.Tests.Backends.WhisperCpp;
using SpeechToText.Tests.Fixtures;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Jobs;

/// <summary>The planner on the real Silero VAD of whisper.cpp, with generated speech-like signals.</summary>
[Collection(WhisperNativeCollection.Name)]
public sealed class SileroChunkPlannerTests(ITestOutputHelper output)
{
    private const int Rate = TestAudio.Rate;

    private static readonly ChunkLimits Minutes = new() { TargetSeconds = 120, MaxSeconds = 180, SearchWindowSeconds = 30 };

    [Fact]
    public async Task Every_cut_falls_inside_a_pause_and_the_chunks_cover_the_audio_exactly()
    {
        using var planner = CreatePlanner();
        var (samples, pauses) = SpeechWithPauses.Generate(20 * 60, seed: 11);

        var (plan, _) = await planner.PlanAsync(samples, Minutes, CancellationToken.None);

        AssertCoversExactly(plan, samples.Length, Minutes);
        Assert.InRange(plan.Count, 8, 12);
        foreach (var chunk in plan.Skip(1))
        {
            var cut = (int)Math.Round(chunk.Start * Rate);
            Assert.True(pauses.Any(p => p.Start <= cut && cut <= p.End),
                $"cut at {chunk.Start:0.###} s is not in a pause; nearest pause {pauses.MinBy(p => Math.Abs((p.Start + p.End) / 2 - cut))}");
            // The search window is the 30 s before the target.
            var previous = plan[chunk.Index - 1];
            Assert.InRange(previous.Duration, Minutes.TargetSeconds - Minutes.SearchWindowSeconds, Minutes.TargetSeconds);
        }
    }

    [Fact]
    public async Task Without_any_pause_the_cut_goes_to_the_quietest_100_ms_of_the_window()
    {
        using var planner = CreatePlanner();
        // Continuous speech over a faint noise floor (so no 100 ms elsewhere is digital silence); from
        // 95.0 to 95.15 s it stops dead, too short to count as a pause of 0.3 s.
        var samples = SpeechWithPauses.Continuous(200);
        var noise = new Random(1);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] += 0.003f * (float)(noise.NextDouble() - 0.5);
        }
        Array.Clear(samples, 95 * Rate, Rate * 15 / 100);
        var limits = new ChunkLimits { TargetSeconds = 100, MaxSeconds = 150, SearchWindowSeconds = 20 };

        var (plan, _) = await planner.PlanAsync(samples, limits, CancellationToken.None);

        AssertCoversExactly(plan, samples.Length, limits);
        Assert.Equal(2, plan.Count);
        Assert.InRange(plan[1].Start, 95.0, 95.15);
    }

    [Fact]
    public async Task Audio_within_one_and_a_half_targets_and_the_maximum_is_one_chunk()
    {
        using var planner = CreatePlanner();
        var samples = SpeechWithPauses.Continuous(179.5);

        var (plan, vadSamples) = await planner.PlanAsync(samples, Minutes, CancellationToken.None);

        Assert.Equal([new ChunkPlan(0, 0, 179.5)], plan);
        Assert.Equal(0, vadSamples);
    }

    [Fact]
    public async Task Just_over_one_and_a_half_targets_is_cut_once()
    {
        using var planner = CreatePlanner();
        var (samples, _) = SpeechWithPauses.Generate(181, seed: 3);

        var (plan, _) = await planner.PlanAsync(samples, Minutes, CancellationToken.None);

        Assert.Equal(2, plan.Count);
        AssertCoversExactly(plan, samples.Length, Minutes);
    }

    [Fact]
    public async Task The_maximum_bounds_a_chunk_even_when_the_target_is_longer()
    {
        using var planner = CreatePlanner();
        var (samples, _) = SpeechWithPauses.Generate(400, seed: 5);
        var limits = new ChunkLimits { TargetSeconds = 100, MaxSeconds = 100, SearchWindowSeconds = 10 };

        var (plan, _) = await planner.PlanAsync(samples, limits, CancellationToken.None);

        AssertCoversExactly(plan, samples.Length, limits);
        Assert.All(plan.SkipLast(1), c => Assert.InRange(c.Duration, 90, 100));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public async Task Planning_hours_of_audio_scans_only_the_windows_before_each_cut(int hours)
    {
        using var planner = CreatePlanner();
        var (samples, pauses) = SpeechWithPauses.Generate(hours * 3600, seed: hours);
        var limits = BackendChunkLimits.ForBackend(Core.Models.BackendKind.Local, Core.Models.ModelKind.Whisper);

        var started = Stopwatch.GetTimestamp();
        var (plan, vadSamples) = await planner.PlanAsync(samples, limits, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);

        output.WriteLine($"{hours} h: {plan.Count} chunks planned in {elapsed.TotalMilliseconds:0} ms, "
            + $"{vadSamples / (double)Rate:0} s of audio through the VAD");
        AssertCoversExactly(plan, samples.Length, limits);
        // Chunks end 0-30 s before their 300 s target.
        var cuts = plan.Count - 1;
        Assert.InRange(cuts, hours * 3600 / 300 - 1, hours * 3600 / 270);
        // The window plus its 2 s lead-in per cut, nothing else: the cost follows the cuts, not the length.
        Assert.Equal(cuts * (long)(limits.SearchWindowSeconds + 2) * Rate, vadSamples);
        Assert.All(plan.Skip(1), c =>
        {
            var cut = (int)Math.Round(c.Start * Rate);
            Assert.Contains(pauses, p => p.Start <= cut && cut <= p.End);
        });
        Assert.True(elapsed < TimeSpan.FromSeconds(20 * hours), $"planning took {elapsed}");
    }

    [Fact]
    public async Task Invalid_limits_are_rejected()
    {
        using var planner = CreatePlanner();
        var samples = new float[Rate];

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            planner.PlanAsync(samples, new ChunkLimits { TargetSeconds = 100, MaxSeconds = 50 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            planner.PlanAsync(samples, new ChunkLimits { TargetSeconds = 20, MaxSeconds = 50, SearchWindowSeconds = 20 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => planner.PlanAsync(Array.Empty<float>(), Minutes, CancellationToken.None));
    }

    internal static void AssertCoversExactly(IReadOnlyList<ChunkPlan> plan, int samples, ChunkLimits limits)
    {
        Assert.NotEmpty(plan);
        Assert.Equal(0.0, plan[0].Start);
        Assert.Equal(samples / (double)Rate, plan[^1].End);
        for (var i = 0; i < plan.Count; i++)
        {
            Assert.Equal(i, plan[i].Index);
            Assert.True(plan[i].Duration > 0);
            Assert.True(plan[i].Duration <= limits.MaxSeconds, $"chunk {i} is {plan[i].Duration} s");
            // Cuts sit on sample boundaries, so a chunk's samples are [Start * rate, End * rate).
            Assert.Equal(plan[i].Start * Rate, Math.Round(plan[i].Start * Rate), 6);
            if (i > 0)
            {
                Assert.Equal(plan[i - 1].End, plan[i].Start);
            }
        }
    }

    private static SileroChunkPlanner CreatePlanner() =>
        new(Options.Create(new WhisperOptions { ThreadsPerSlot = 1 }), NullLogger<SileroChunkPlanner>.Instance);
}

/// <summary>
/// Long speech signals made cheaply: slices of one espeak-ng recording (read without punctuation, so it
/// has no pause of its own longer than about 0.1 s) between silent pauses of varied length.
/// </summary>
internal static class SpeechWithPauses
{
    private const string Sentence = "the quick brown fox jumps over the lazy dog while seven bright stars shine above the quiet harbor "
        + "and a small boat drifts slowly toward the old stone bridge near the village market";

    private static readonly Lazy<float[]> Speech = new(Synthesize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>About 9.5 s of continuous speech at 16 kHz, its leading and trailing silence removed.</summary>
    public static float[] Clip => Speech.Value;

    /// <summary>Speech bursts of 2-9 s separated by silent pauses of 0.5-2.5 s; returns the pauses in samples.</summary>
    public static (float[] Samples, List<(int Start, int End)> Pauses) Generate(double seconds, int seed)
    {
        var random = new Random(seed);
        var speech = Clip;
        var samples = new float[(int)(seconds * TestAudio.Rate)];
        var pauses = new List<(int Start, int End)>();
        var at = 0;
        while (at < samples.Length)
        {
            var burst = Math.Min((int)((2 + random.NextDouble() * 7) * TestAudio.Rate), samples.Length - at);
            var from = random.Next(0, speech.Length - burst);
            Array.Copy(speech, from, samples, at, burst);
            at += burst;
            var pause = Math.Min((int)((0.5 + random.NextDouble() * 2) * TestAudio.Rate), samples.Length - at);
            if (pause > 0)
            {
                pauses.Add((at, at + pause));
                at += pause;
            }
        }
        return (samples, pauses);
    }

    /// <summary>Speech without any pause: the clip repeated back to back.</summary>
    public static float[] Continuous(double seconds)
    {
        var speech = Clip;
        var samples = new float[(int)(seconds * TestAudio.Rate)];
        for (var at = 0; at < samples.Length; at += speech.Length)
        {
            Array.Copy(speech, 0, samples, at, Math.Min(speech.Length, samples.Length - at));
        }
        return samples;
    }

    private static float[] Synthesize()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stt-jobs-speech-{Guid.NewGuid():N}.wav");
        try
        {
            using (var espeak = Process.Start(new ProcessStartInfo("espeak-ng", ["-g", "0", "-w", path, Sentence])
                   { RedirectStandardError = true })!)
            {
                espeak.WaitForExit();
                Assert.Equal(0, espeak.ExitCode);
            }
            var samples = Audio.WavDecoderTests.Decode(File.ReadAllBytes(path)).Samples;
            var first = Array.FindIndex(samples, x => Math.Abs(x) > 0.01f);
            var last = Array.FindLastIndex(samples, x => Math.Abs(x) > 0.01f);
            return samples[first..(last + 1)];
        }
        finally
        {
            File.Delete(path);
        }
    }
}
