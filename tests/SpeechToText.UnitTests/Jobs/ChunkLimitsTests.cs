
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Models;

namespace SpeechToText.UnitTests.Jobs;

public sealed class ChunkLimitsTests
{
    [Fact]
    public void Local_chunks_aim_at_five_minutes_by_default_or_the_configured_target()
    {
        var byDefault = BackendChunkLimits.ForBackend(BackendKind.Local, ModelKind.Whisper);
        var configured = BackendChunkLimits.ForBackend(BackendKind.Local, ModelKind.Whisper, 420);

        Assert.Equal((300.0, 600.0, 30.0), (byDefault.TargetSeconds, byDefault.MaxSeconds, byDefault.SearchWindowSeconds));
        Assert.Equal((420.0, 840.0), (configured.TargetSeconds, configured.MaxSeconds));
        var shortTarget = BackendChunkLimits.ForBackend(BackendKind.Local, ModelKind.Whisper, 30);
        Assert.Equal((30.0, 60.0, 10.0), (shortTarget.TargetSeconds, shortTarget.MaxSeconds, shortTarget.SearchWindowSeconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackendChunkLimits.ForBackend(BackendKind.Local, ModelKind.Whisper, 4));
    }

    [Theory]
    [InlineData(ModelKind.Gpt4oTranscribe)]
    [InlineData(ModelKind.Gpt4oMiniTranscribe)]
    [InlineData(ModelKind.Gpt4oTranscribeDiarize)]
    public void Gpt4o_chunks_stay_under_the_models_1400_s(ModelKind kind)
    {
        var limits = BackendChunkLimits.ForBackend(BackendKind.AzureOpenAI, kind);

        Assert.Equal((1200.0, 1400.0), (limits.TargetSeconds, limits.MaxSeconds));
    }

    [Fact]
    public void Azure_whisper_chunks_fit_25_MiB_as_16_kHz_mono_16_bit_wav()
    {
        var limits = BackendChunkLimits.ForBackend(BackendKind.AzureOpenAI, ModelKind.Whisper);

        Assert.Equal(819.0, limits.MaxSeconds);
        Assert.True(44 + (long)(limits.MaxSeconds * 16_000) * 2 <= 26_214_400);
        Assert.True(44 + (long)((limits.MaxSeconds + 1) * 16_000) * 2 > 26_214_400);
        Assert.InRange(limits.TargetSeconds, limits.MaxSeconds * 0.9, limits.MaxSeconds - limits.SearchWindowSeconds);
    }

    [Fact]
    public void The_longest_pause_wins_and_among_similar_ones_the_nearest_to_the_target()
    {
        const int s = 16_000;
        // 0.5 s at 10 s, 1.0 s at 20 s, 0.95 s at 28 s, target 30 s.
        (int, int)[] gaps = [(10 * s, 10 * s + s / 2), (20 * s, 21 * s), (28 * s, 28 * s + s * 95 / 100)];

        Assert.Equal(gaps[2], SileroChunkPlanner.ChooseGap(gaps, 30 * s, s * 3 / 10));
        Assert.Equal(gaps[1], SileroChunkPlanner.ChooseGap([gaps[0], gaps[1], (28 * s, 28 * s + s / 2)], 30 * s, s * 3 / 10));
        Assert.Null(SileroChunkPlanner.ChooseGap([(5 * s, 5 * s + s / 5)], 30 * s, s * 3 / 10));
    }

    [Fact]
    public void Gaps_are_the_window_minus_the_speech()
    {
        var gaps = SileroChunkPlanner.Gaps([(50, 120), (100, 200), (300, 420)], 80, 400);

        Assert.Equal([(200, 300)], gaps);
        Assert.Equal([(0, 10), (20, 30)], SileroChunkPlanner.Gaps([(10, 20)], 0, 30));
    }
}
