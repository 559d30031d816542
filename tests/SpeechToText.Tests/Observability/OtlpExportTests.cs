using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Observability;

/// <summary>The real server exporting its telemetry over OTLP/HTTP protobuf to a collector on loopback.</summary>
public sealed class OtlpExportTests
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(60);

    /// <summary>Short export intervals so a test sees batches in seconds rather than a minute.</summary>
    private static Dictionary<string, string?> Settings(IEnumerable<KeyValuePair<string, string?>> telemetry) =>
        new(telemetry)
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };

    public static TheoryData<string> Configurations => ["standard variables", "Telemetry section"];

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Traces_and_metrics_of_a_request_reach_the_configured_collector(string configuration)
    {
        await using var collector = await OtlpCollector.StartAsync();
        var endpoint = collector.Endpoint.ToString().TrimEnd('/');
        Dictionary<string, string?> telemetry = configuration == "standard variables"
            ? new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" }
            : new() { ["Telemetry__OtlpEndpoint"] = endpoint, ["Telemetry__OtlpProtocol"] = "http/protobuf" };
        await using var server = await ServerProcess.StartAsync(Settings(telemetry));

        // A secret in the query string must not travel into span attributes (url.query is redacted).
        const string querySecret = "query-secret-5c0ffee9";
        using var response = await server.Client.PostAsync($"v1/audio/transcriptions?api-key={querySecret}",
            Multipart.Form(AudioSamples.Shared.Wav16kMonoS16));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var traces = await collector.WaitForAsync("/v1/traces", ExportWait,
            "stt.transcribe", "stt.audio.decode", "stt.engine.queue", "stt.engine.inference", "POST /v1/audio/transcriptions", "speech-to-text");
        var metrics = await collector.WaitForAsync("/v1/metrics", ExportWait,
            "stt.transcription.duration", "stt.audio.transcribed", "stt.audio.decode.duration", "stt.engine.queue.wait",
            "stt.engine.inference.duration", "stt.backend.selected", "http.server.request.duration", "whisper.cpp", "whisper-1");
        Assert.All(traces.Concat(metrics), e => Assert.Equal("application/x-protobuf", e.ContentType));
        Assert.DoesNotContain(collector.Exports, e => e.Mentions(querySecret));
        // Probes stay out of the traces.
        Assert.DoesNotContain(traces, e => e.Mentions("/health"));
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported_not_even_to_the_default_one()
    {
        // An exporter left on with its defaults would send OTLP/HTTP to localhost:4318: listen there.
        await using var collector = await OtlpCollector.StartAsync(port: 4318);
        await using var server = await ServerProcess.StartAsync(Settings(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }));
        using var response = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Wav16kMonoS16));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Many metric intervals and batch delays pass.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Empty(collector.Exports);
    }
}
