using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Models;

/// <summary>RequestRules.EnsureAudioFits: the audio's length against the model, checked once the audio is decoded.</summary>
public class RequestRulesAudioTests
{
    private static ModelEntry Model(ModelKind kind) => new()
    {
        Id = kind.WireName(), Kind = kind, Backend = BackendKind.AzureOpenAI, Capabilities = ModelCapabilities.For(kind, false),
    };

    private static TranscriptionOptions Options(string? chunking = null) =>
        new() { Task = TranscriptionTask.Transcribe, Model = "m", ChunkingStrategy = chunking };

    [Theory]
    [InlineData(ModelKind.Gpt4oTranscribe)]
    [InlineData(ModelKind.Gpt4oMiniTranscribe)]
    [InlineData(ModelKind.Gpt4oTranscribeDiarize)]
    public void Audio_over_the_model_maximum_is_a_400_naming_the_file(ModelKind kind)
    {
        RequestRules.EnsureAudioFits(Options("auto"), Model(kind), ModelCapabilities.Gpt4oMaxAudioSeconds);
        var e = Assert.Throws<ApiException>(() => RequestRules.EnsureAudioFits(Options("auto"), Model(kind), ModelCapabilities.Gpt4oMaxAudioSeconds + 0.5));
        Assert.Equal((400, "file", "audio_too_long"), (e.Status, e.Param, e.Code));
    }

    [Fact]
    public void Whisper_has_no_length_limit_here() =>
        RequestRules.EnsureAudioFits(Options(), Model(ModelKind.Whisper), 10 * 3600);

    [Fact]
    public void Diarization_above_30_s_needs_a_chunking_strategy()
    {
        var diarize = Model(ModelKind.Gpt4oTranscribeDiarize);
        RequestRules.EnsureAudioFits(Options(), diarize, RequestRules.DiarizeChunkingThresholdSeconds);
        var e = Assert.Throws<ApiException>(() => RequestRules.EnsureAudioFits(Options(), diarize, RequestRules.DiarizeChunkingThresholdSeconds + 1));
        Assert.Equal(("chunking_strategy", "missing_required_parameter"), (e.Param, e.Code));
        RequestRules.EnsureAudioFits(Options("auto"), diarize, 600);
        // Other models never need one.
        RequestRules.EnsureAudioFits(Options(), Model(ModelKind.Gpt4oTranscribe), 600);
    }
}
