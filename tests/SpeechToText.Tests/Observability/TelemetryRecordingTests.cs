using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpeechToText.Core;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Backends.WhisperCpp;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Observability;

/// <summary>
/// The service's spans and metrics as the real components record them in-process: the router, the real decoders
/// (managed WAV and the bundled ffmpeg), the whisper.cpp engine with the synthetic model, and the Azure OpenAI
/// backend against the loopback fake.
/// </summary>
[Collection(WhisperNativeCollection.Name)]
public sealed class TelemetryRecordingTests : IAsyncLifetime
{
    private FakeAzureOpenAIServer _fake = null!;
    private ServiceProvider _services = null!;

    private TranscriptionRouter Router => _services.GetRequiredService<TranscriptionRouter>();

    public async Task InitializeAsync()
    {
        _fake = await FakeAzureOpenAIServer.StartAsync(new FakeAzureOptions
        {
            ApiKey = AzureTestHost.Key,
            Deployments = { ["aoai-4o"] = FakeDeploymentKind.Gpt4oTranscribe },
        });
        var settings = AzureTestHost.Settings(_fake.Endpoint.ToString().TrimEnd('/'),
            [new AzureDeployment("gpt-4o-fallback", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Fallbacks = ["whisper-1"] }], ":");
        settings["Whisper:ModelPath"] = TestModels.Test;
        settings["Audio:FfmpegPath"] = AudioSamples.BundledFfmpeg;
        // VAD before every local run, so its span and histogram are recorded too.
        settings["Whisper:VadMinDurationSeconds"] = "0";
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddSpeechToText(config).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static TranscriptionRequest Request(string model, byte[] file) => new()
    {
        Task = TranscriptionTask.Transcribe,
        File = AudioUpload.FromBytes("upload", file),
        Model = model,
    };

    public static TheoryData<string, string, string> Decodes => new()
    {
        { nameof(AudioSamples.Wav16kMonoS16), "wav", "wav" },
        { nameof(AudioSamples.Mp3), "ffmpeg", "mp3" },
        { nameof(AudioSamples.Flac), "ffmpeg", "flac" },
    };

    [Theory]
    [MemberData(nameof(Decodes))]
    public async Task Local_request_records_audio_seconds_decode_queue_vad_and_inference_under_one_trace(string sample, string path, string container)
    {
        var file = (string)typeof(AudioSamples).GetProperty(sample)!.GetValue(AudioSamples.Shared)!;
        using var capture = new TelemetryCapture();
        await using var request = Request("whisper-1", await File.ReadAllBytesAsync(file));

        var routed = await Router.TranscribeAsync(request, null, CancellationToken.None);

        // Audio seconds: exactly the decoded clip's length, which is the recording's length.
        var audio = Assert.Single(capture.Of("stt.audio.transcribed"));
        Assert.Equal(routed.Result.Duration, audio.Value, 6);
        Assert.InRange(audio.Value, AudioSamples.Shared.SpeechSeconds - 0.1, AudioSamples.Shared.SpeechSeconds + 0.1);
        Assert.Equal(("whisper-1", "whisper.cpp"), (audio["model"], audio["backend"]));

        var decode = Assert.Single(capture.Of("stt.audio.decode.duration"));
        Assert.Equal((path, container, "success"), (decode["path"], decode["container"], decode["outcome"]));
        var queue = Assert.Single(capture.Of("stt.engine.queue.wait"));
        Assert.Equal("success", queue["outcome"]);
        var vad = Assert.Single(capture.Of("stt.engine.vad.duration"));
        Assert.Equal("success", vad["outcome"]);
        Assert.Equal(routed.Result.Timings!.VadMilliseconds / 1000, vad.Value, 0.05);
        var inference = Assert.Single(capture.Of("stt.engine.inference.duration"));
        Assert.Equal("success", inference["outcome"]);
        Assert.Equal(routed.Result.Timings!.InferenceMilliseconds / 1000, inference.Value, 0.05);
        var total = Assert.Single(capture.Of("stt.transcription.duration"));
        Assert.Equal(("whisper-1", "whisper.cpp", "success"), (total["model"], total["backend"], total["outcome"]));
        Assert.True(total.Value >= decode.Value + vad.Value + inference.Value,
            $"total {total.Value} s < decode {decode.Value} s + VAD {vad.Value} s + inference {inference.Value} s");
        var selected = Assert.Single(capture.Of("stt.backend.selected"));
        Assert.Equal(("whisper-1", "whisper.cpp"), (selected["model"], selected["backend"]));
        Assert.Empty(capture.Of("stt.fallback.taken"));

        // Spans: decode, queue and inference (which runs on the engine's own thread) nest under the request's span.
        var transcribe = capture.Span("stt.transcribe");
        Assert.Equal(capture.RootSpanId, transcribe.ParentSpanId);
        foreach (var name in new[] { "stt.audio.decode", "stt.engine.queue", "stt.engine.vad", "stt.engine.inference" })
        {
            Assert.Equal(transcribe.SpanId, capture.Span(name).ParentSpanId);
        }
        Assert.Equal(path, capture.Span("stt.audio.decode").GetTagItem("path"));
    }

    [Fact]
    public async Task Upstream_503_counts_retries_and_a_fallback_and_the_local_engine_gets_the_audio_seconds()
    {
        _fake.Enqueue(FakeResponse.Status(503).Always());
        using var capture = new TelemetryCapture();
        await using var request = Request("gpt-4o-fallback", await File.ReadAllBytesAsync(AudioSamples.Shared.Wav16kMonoS16));

        var routed = await Router.TranscribeAsync(request, null, CancellationToken.None);

        Assert.Equal("whisper-1", routed.ServedBy.Id);
        var fallback = Assert.Single(capture.Of("stt.fallback.taken"));
        Assert.Equal((1.0, "gpt-4o-fallback", "whisper-1"), (fallback.Value, fallback["from"], fallback["to"]));
        Assert.Equal(["azure-openai", "whisper.cpp"], capture.Of("stt.backend.selected").Select(m => m["backend"]));
        // MaxRetries is 2: three attempts, two retries, one failed upstream call.
        Assert.Equal(2, capture.Of("stt.upstream.retries").Sum(m => m.Value));
        Assert.All(capture.Of("stt.upstream.retries"), m => Assert.Equal("gpt-4o-fallback", m["model"]));
        var upstream = Assert.Single(capture.Of("stt.upstream.duration"));
        Assert.Equal(("gpt-4o-fallback", "server_error"), (upstream["model"], upstream["outcome"]));
        Assert.Equal(3, _fake.Requests.Count);

        var audio = Assert.Single(capture.Of("stt.audio.transcribed"));
        Assert.Equal(("whisper-1", "whisper.cpp"), (audio["model"], audio["backend"]));
        Assert.Equal(routed.Result.Duration, audio.Value, 6);
        var total = Assert.Single(capture.Of("stt.transcription.duration"));
        Assert.Equal(("gpt-4o-fallback", "whisper.cpp", "success"), (total["model"], total["backend"], total["outcome"]));

        var upstreamSpan = capture.Span("stt.upstream");
        Assert.Equal(ActivityKind.Client, upstreamSpan.Kind);
        Assert.Equal(ActivityStatusCode.Error, upstreamSpan.Status);
        Assert.Equal("upstream_error", upstreamSpan.GetTagItem("error.type"));
        Assert.Equal(capture.Span("stt.transcribe").SpanId, upstreamSpan.ParentSpanId);
    }

    [Fact]
    public async Task Bad_audio_is_a_client_error_and_transcribes_no_audio_seconds()
    {
        using var capture = new TelemetryCapture();
        // A RIFF/WAVE header whose data chunk is cut short: sniffed as WAV, rejected by the decoder.
        var broken = (await File.ReadAllBytesAsync(AudioSamples.Shared.Wav16kMonoS16))[..40];
        await using var request = Request("whisper-1", broken);

        var error = await Assert.ThrowsAsync<ApiException>(() => Router.TranscribeAsync(request, null, CancellationToken.None));

        Assert.Equal(400, error.Status);
        var total = Assert.Single(capture.Of("stt.transcription.duration"));
        Assert.Equal(("whisper-1", "client_error"), (total["model"], total["outcome"]));
        Assert.Empty(capture.Of("stt.audio.transcribed"));
        Assert.Empty(capture.Of("stt.engine.inference.duration"));
        Assert.Equal(error.Code, capture.Span("stt.transcribe").GetTagItem("error.type"));
    }
}
