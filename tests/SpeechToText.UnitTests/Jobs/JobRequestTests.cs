using Microsoft.Extensions.Logging.Abstractions;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Models;
using SpeechToText.Core.Routing;

namespace SpeechToText.UnitTests.Jobs;

/// <summary>A job's settings are checked against its model with the HTTP API's rules, without any upload.</summary>
public class JobRequestTests
{
    private static readonly TranscriptionRouter Router = new(new ModelCatalog(
    [
        Entry("whisper-1", ModelKind.Whisper, BackendKind.Local),
        Entry("gpt-4o", ModelKind.Gpt4oTranscribe, BackendKind.AzureOpenAI),
        Entry("diarize", ModelKind.Gpt4oTranscribeDiarize, BackendKind.AzureOpenAI),
    ]), [], NullLogger<TranscriptionRouter>.Instance);

    private static ModelEntry Entry(string id, ModelKind kind, BackendKind backend) => new()
    {
        Id = id, Kind = kind, Backend = backend, Capabilities = ModelCapabilities.For(kind, backend == BackendKind.Local),
    };

    private static readonly PipelineOptions Pipeline = new() { DefaultModel = "whisper-1" };

    [Fact]
    public void The_default_model_and_a_language_name_are_filled_in()
    {
        var (settings, model) = JobRequest.Validate(new RawJobOptions(null, "German", null, null), Pipeline, Router);
        Assert.Equal("whisper-1", model.Id);
        Assert.Equal("de", settings.Language);
    }

    [Fact]
    public void A_model_without_verbose_json_is_asked_for_what_it_has()
    {
        var (_, model) = JobRequest.Validate(new RawJobOptions("gpt-4o", null, "names: Ada", null), Pipeline, Router);
        Assert.Equal("gpt-4o", model.Id);
        var options = JobRequest.OptionsFor(new JobSettings { Model = "gpt-4o", Formats = ["json"] }, model, null);
        Assert.Equal(Core.Transcription.ResponseFormat.Json, options.ResponseFormat);
        Assert.Equal(Core.Transcription.TimestampGranularity.None, options.Granularities);
    }

    [Theory]
    [InlineData("diarize", "names: Ada", "prompt")]
    [InlineData("no-such-model", null, "no-such-model")]
    public void What_the_model_cannot_do_rejects_the_job(string model, string? prompt, string named)
    {
        var e = Assert.Throws<JobRejectedException>(() => JobRequest.Validate(new RawJobOptions(model, null, prompt, null), Pipeline, Router));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void An_unknown_language_rejects_the_job() =>
        Assert.Throws<JobRejectedException>(() => JobRequest.Validate(new RawJobOptions(null, "klingon", null, null), Pipeline, Router));
}
