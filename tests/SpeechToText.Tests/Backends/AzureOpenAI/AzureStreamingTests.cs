using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>stream=true relayed from Azure's Server-Sent Events to the client as they arrive.</summary>
[Collection(AzureStreamingCollection.Name)]
public class AzureStreamingTests(AzureServerFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(300);

    private sealed record ClientEvent(TimeSpan At, string Data)
    {
        public JsonElement Json
        {
            get
            {
                using var doc = JsonDocument.Parse(Data);
                return doc.RootElement.Clone();
            }
        }

        public string? Type => Data == "[DONE]" ? null : Json.GetProperty("type").GetString();
    }

    /// <summary>Posts a streaming request and reads its events, noting when each one arrived.</summary>
    private async Task<(HttpResponseMessage Response, List<ClientEvent> Events)> StreamAsync(string model, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions")
        {
            Content = Multipart.Form(AzureCalls.Upload, AzureCalls.UploadName, model, [("stream", "true"), .. fields]),
        };
        var clock = Stopwatch.StartNew();
        var response = await Host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<ClientEvent>();
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return (response, events);
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            Assert.StartsWith("data: ", line);
            events.Add(new ClientEvent(clock.Elapsed, line["data: ".Length..]));
        }
        return (response, events);
    }

    private static string Delta(string text) => JsonSerializer.Serialize(new { type = "transcript.text.delta", delta = text });

    private static readonly JsonObject TokenUsage = new()
    {
        ["type"] = "tokens", ["input_tokens"] = 14, ["output_tokens"] = 3, ["total_tokens"] = 17,
        ["input_token_details"] = new JsonObject { ["audio_tokens"] = 14, ["text_tokens"] = 0 },
    };

    [Fact]
    public async Task Deltas_reach_the_client_in_order_as_they_arrive_then_done_and_the_sentinel()
    {
        Host.Fake.Clear();
        string[] deltas = ["Hello", " there,", " friend."];
        var done = new JsonObject { ["type"] = "transcript.text.done", ["text"] = "Hello there, friend.", ["usage"] = TokenUsage.DeepClone() };
        Host.Fake.Enqueue(FakeResponse.Sse(
            new SseEvent(Delta(deltas[0])), new SseEvent(Delta(deltas[1]), Gap), new SseEvent(Delta(deltas[2]), Gap),
            new SseEvent(done.ToJsonString(), Gap)));

        var (response, events) = await StreamAsync("gpt-4o-transcribe");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("azure-openai:aoai-4o", AzureCalls.Header(response, "x-stt-backend"));
        }
        Assert.Equal([.. deltas.Select(Delta), "*done*", "[DONE]"], events.Select(e => e.Type == "transcript.text.done" ? "*done*" : e.Data));
        var relayedDone = JsonNode.Parse(events[^2].Data)!;
        Assert.Equal("Hello there, friend.", (string?)relayedDone["text"]);
        Assert.True(JsonNode.DeepEquals(TokenUsage, relayedDone["usage"]), relayedDone.ToJsonString());

        // The upstream sent its last event 900 ms after its first: the client had the first delta long before
        // (a relay that buffered the upstream response would deliver them all at once).
        string times = string.Join(", ", events.Select(e => $"{e.At.TotalMilliseconds:0}"));
        Assert.True(events[^2].At - events[0].At >= 2 * Gap, times);
        Assert.True(events[2].At - events[0].At >= Gap, times);
        var sent = Assert.Single(Host.Fake.Requests);
        Assert.Equal("true", sent.Field("stream"));
        Assert.Equal("aoai-4o", sent.Field("model"));
        Assert.Equal(AzureCalls.Upload, sent.FileBytes);
    }

    [Fact]
    public async Task Gpt_transcribe_streams_and_its_done_event_keeps_the_detected_languages()
    {
        Host.Fake.Clear();
        var (response, events) = await StreamAsync("gpt-transcribe", ("languages[]", "fr"), ("languages[]", "en"), ("keywords[]", "AC-42"));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal("[DONE]", events[^1].Data);
        var done = events[^2].Json;
        Assert.Equal("transcript.text.done", done.GetProperty("type").GetString());
        Assert.Equal("""[{"code":"fr"}]""", done.GetProperty("languages").GetRawText());
        var sent = Assert.Single(Host.Fake.Requests);
        Assert.Equal(["fr", "en"], sent.Fields["languages[]"]);
        Assert.Equal(["AC-42"], sent.Fields["keywords[]"]);
    }

    [Fact]
    public async Task Logprobs_stream_through_deltas_and_done()
    {
        Host.Fake.Clear();
        var (response, events) = await StreamAsync("gpt-4o-mini-transcribe", ("include[]", "logprobs"));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var expected = FakeTranscript.For("aoai-4o-mini", FakeDeploymentKind.Gpt4oMiniTranscribe, 4.0, false, null).StreamEvents(logprobs: true).ToList();
        Assert.Equal(expected.Count + 1, events.Count);
        for (int i = 0; i < expected.Count - 1; i++)
        {
            Assert.True(JsonNode.DeepEquals(expected[i], JsonNode.Parse(events[i].Data)), events[i].Data);
        }
        var done = events[^2].Json;
        Assert.Equal("transcript.text.done", done.GetProperty("type").GetString());
        Assert.Equal(8, done.GetProperty("logprobs").GetArrayLength());
        Assert.Equal(["logprobs"], Assert.Single(Host.Fake.Requests).Fields["include[]"]);
    }

    [Fact]
    public async Task Diarize_streams_segment_events_with_speakers()
    {
        Host.Fake.Clear();
        var (response, events) = await StreamAsync("gpt-4o-transcribe-diarize");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("azure-openai:aoai-diarize", AzureCalls.Header(response, "x-stt-backend"));
        }
        var expected = FakeTranscript.For("aoai-diarize", FakeDeploymentKind.Gpt4oTranscribeDiarize, 4.0, false, null).StreamEvents(false).ToList();
        Assert.Equal(expected.Count + 1, events.Count);
        for (int i = 0; i < expected.Count - 1; i++)
        {
            Assert.True(JsonNode.DeepEquals(expected[i], JsonNode.Parse(events[i].Data)), events[i].Data);
        }
        var segments = events.Where(e => e.Type == "transcript.text.segment").ToList();
        Assert.Equal(["A", "B"], segments.Select(s => s.Json.GetProperty("speaker").GetString()));
        Assert.Equal("transcript.text.done", events[^2].Type);
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public async Task Upstream_client_error_before_the_stream_is_an_ordinary_error_response()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(AzureCalls.UpstreamClientError("Audio file might be corrupted or unsupported", "file", "invalid_value"));
        var (response, events) = await StreamAsync("gpt-4o-transcribe");
        using (response)
        {
            Assert.Empty(events);
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadRequest, "file", "invalid_value");
            Assert.Contains("corrupted", error.GetProperty("message").GetString());
        }
        Assert.Single(Host.Fake.Requests);
    }

    [Fact]
    public async Task Upstream_throttling_before_the_stream_is_a_429_with_retry_after()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(429).Always());
        var (response, events) = await StreamAsync("gpt-4o-transcribe");
        using (response)
        {
            Assert.Empty(events);
            await AzureCalls.ErrorAsync(response, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
            Assert.NotNull(response.Headers.RetryAfter);
        }
        Assert.Equal(3, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Upstream_error_mid_stream_becomes_an_error_event_and_the_stream_ends()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Sse(new SseEvent(Delta("Hello")),
            new SseEvent("{\"type\":\"error\",\"error\":{\"message\":\"The server had an error.\",\"type\":\"server_error\"}}")));
        var (response, events) = await StreamAsync("gpt-4o-transcribe");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal([Delta("Hello"), "error", "[DONE]"], events.Select(e => e.Type == "error" ? "error" : e.Data));
        var error = events[1].Json.GetProperty("error");
        Assert.Equal("upstream_error", error.GetProperty("code").GetString());
        Assert.Contains("The server had an error.", error.GetProperty("message").GetString());
        Assert.Single(Host.Fake.Requests);
    }

    [Fact]
    public async Task Upstream_stream_without_done_ends_with_an_error_event()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Sse(new SseEvent(Delta("Hello"))));
        var (response, events) = await StreamAsync("gpt-4o-transcribe");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(3, events.Count);
        Assert.Equal("upstream_incomplete_stream", events[1].Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("[DONE]", events[2].Data);
    }

    [Fact]
    public async Task Whisper_deployment_ignores_stream_and_answers_json()
    {
        Host.Fake.Clear();
        var (response, events) = await StreamAsync("whisper-azure");
        using (response)
        {
            Assert.Empty(events);
            var json = await AzureCalls.JsonAsync(response);
            Assert.Equal("Hello from aoai-whisper. This is a fake transcript.", json.GetProperty("text").GetString());
            Assert.Equal("azure-openai:aoai-whisper", AzureCalls.Header(response, "x-stt-backend"));
        }
        Assert.Null(Assert.Single(Host.Fake.Requests).Field("stream"));
    }
}

/// <summary>Streaming again, with every deployment on the dated route.</summary>
[Collection(AzureDatedRouteCollection.Name)]
public sealed class AzureStreamingOnDatedRouteTests(AzureDatedRouteServerFixture fixture) : AzureStreamingTests(fixture);
