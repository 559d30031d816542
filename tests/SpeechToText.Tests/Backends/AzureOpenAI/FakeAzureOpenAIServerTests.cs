#pragma warning disable OPENAI001 // diarization and streaming transcription are experimental in the SDK
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;
using SpeechToText.TestSupport;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>Shared set-up for the fake's own tests: one deployment of each kind, a key and a token.</summary>
internal static class FakeAzure
{
    public const string Key = "test-key-123";
    public const string Token = "test-token-456";
    public const string Whisper = "stt-whisper";
    public const string Gpt4o = "stt-4o";
    public const string Mini = "stt-4o-mini";
    public const string Diarize = "stt-diarize";

    public static readonly byte[] Audio = WavBuilder.Simple(1, 1, 16_000, 16, new byte[16_000]);

    public static Task<FakeAzureOpenAIServer> StartAsync(TimeSpan? streamEventDelay = null) => FakeAzureOpenAIServer.StartAsync(new FakeAzureOptions
    {
        Deployments =
        {
            [Whisper] = FakeDeploymentKind.Whisper,
            [Gpt4o] = FakeDeploymentKind.Gpt4oTranscribe,
            [Mini] = FakeDeploymentKind.Gpt4oMiniTranscribe,
            [Diarize] = FakeDeploymentKind.Gpt4oTranscribeDiarize,
        },
        ApiKey = Key,
        BearerToken = Token,
        StreamEventDelay = streamEventDelay ?? TimeSpan.Zero,
    });

    public static HttpClient Client(FakeAzureOpenAIServer fake, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = fake.Endpoint, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("api-key", Key);
        return client;
    }

    public static Task<HttpResponseMessage> TranscribeAsync(HttpClient client, string model, params (string Name, string Value)[] fields) =>
        client.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, Multipart.Form(Audio, "clip.wav", model, fields));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    /// <summary>Asserts the OpenAI/Azure error envelope and returns its inner object.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return error;
    }

    public static List<JsonElement> Events(string sse) =>
        sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => { Assert.StartsWith("data: ", e); return JsonDocument.Parse(e["data: ".Length..]).RootElement.Clone(); })
            .ToList();
}

/// <summary>The fake driven with plain HttpClient: validation, default shapes, recording and scripting.</summary>
public class FakeAzureOpenAIServerHttpTests
{
    [Fact]
    public async Task Json_default_answer_carries_request_ids_and_the_request_is_recorded()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        using var first = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper, ("language", "en"), ("temperature", "0.2"));
        using var second = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);

        var json = await FakeAzure.JsonAsync(first);
        Assert.Equal($"Hello from {FakeAzure.Whisper}. This is a fake transcript.", json.GetProperty("text").GetString());
        Assert.Equal("duration", json.GetProperty("usage").GetProperty("type").GetString());
        Assert.Equal(4, json.GetProperty("usage").GetProperty("seconds").GetInt32());
        string id = first.Headers.GetValues("apim-request-id").Single();
        Assert.Equal(id, first.Headers.GetValues("x-request-id").Single());
        Assert.NotEqual(id, second.Headers.GetValues("apim-request-id").Single());

        Assert.Equal(2, fake.RequestCount);
        var recorded = fake.Requests[0];
        Assert.Equal(id, recorded.RequestId);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal(FakeAzureOpenAIServer.TranscriptionsPath, recorded.Path);
        Assert.Equal(FakeAzure.Key, recorded.Headers["API-KEY"]);
        Assert.Equal(["en"], recorded.Fields["language"]);
        Assert.Equal("0.2", recorded.Field("temperature"));
        Assert.Equal(FakeAzure.Whisper, recorded.Field("model"));
        Assert.Equal("clip.wav", recorded.FileName);
        Assert.Equal(FakeAzure.Audio, recorded.FileBytes);
        Assert.Equal("application/octet-stream", recorded.FileContentType);
        Assert.True(recorded.ReceivedAt <= fake.Requests[1].ReceivedAt);

        fake.Clear();
        Assert.Empty(fake.Requests);
        Assert.Equal(2, fake.RequestCount);
    }

    [Theory]
    [InlineData("text", "text/plain", "Hello from stt-whisper. This is a fake transcript.\n")]
    [InlineData("srt", "text/plain", "1\n00:00:00,000 --> 00:00:01,500\nHello from stt-whisper.\n\n2\n00:00:01,500 --> 00:00:04,000\nThis is a fake transcript.\n\n")]
    [InlineData("vtt", "text/plain", "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello from stt-whisper.\n\n00:00:01.500 --> 00:00:04.000\nThis is a fake transcript.\n\n")]
    public async Task Text_formats_come_back_as_plain_text(string format, string mediaType, string expected)
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        using var response = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper, ("response_format", format));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Verbose_json_has_every_segment_field_and_words_when_asked()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        using var response = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper, ("response_format", "verbose_json"),
            ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment"));
        var json = await FakeAzure.JsonAsync(response);
        Assert.Equal("transcribe", json.GetProperty("task").GetString());
        Assert.Equal("english", json.GetProperty("language").GetString());
        Assert.Equal(4.0, json.GetProperty("duration").GetDouble());
        var segments = json.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(2, segments.Count);
        foreach (var name in new[] { "id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob" })
        {
            Assert.All(segments, s => Assert.True(s.TryGetProperty(name, out _), name));
        }
        Assert.Equal(" Hello from stt-whisper.", segments[0].GetProperty("text").GetString());
        var words = json.GetProperty("words").EnumerateArray().ToList();
        Assert.Equal(8, words.Count);
        Assert.Equal("Hello", words[0].GetProperty("word").GetString());
        Assert.Equal(4.0, words[^1].GetProperty("end").GetDouble());
        Assert.Equal(["word", "segment"], fake.Requests[0].Fields["timestamp_granularities[]"]);

        using var segmentsOnly = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper, ("response_format", "verbose_json"));
        Assert.False((await FakeAzure.JsonAsync(segmentsOnly)).TryGetProperty("words", out _));
    }

    [Fact]
    public async Task Gpt4o_json_has_token_usage_and_logprobs_when_included()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        using var response = await FakeAzure.TranscribeAsync(client, FakeAzure.Gpt4o, ("include[]", "logprobs"), ("prompt", "two words"));
        var json = await FakeAzure.JsonAsync(response);
        var usage = json.GetProperty("usage");
        Assert.Equal("tokens", usage.GetProperty("type").GetString());
        Assert.Equal(40, usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("input_token_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        var first = json.GetProperty("logprobs")[0];
        Assert.Equal("Hello", first.GetProperty("token").GetString());
        Assert.True(first.GetProperty("logprob").GetDouble() < 0);
        Assert.Equal("Hello"u8.ToArray(), first.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray());
    }

    [Fact]
    public async Task Diarized_json_labels_segments_with_speakers()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        using var response = await FakeAzure.TranscribeAsync(client, FakeAzure.Diarize, ("response_format", "diarized_json"),
            ("chunking_strategy", "auto"), ("known_speaker_names[]", "agent"), ("known_speaker_references[]", "data:audio/wav;base64,AAAA"));
        var json = await FakeAzure.JsonAsync(response);
        var segments = json.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(["A", "B"], segments.Select(s => s.GetProperty("speaker").GetString()));
        Assert.Equal("seg_0", segments[0].GetProperty("id").GetString());
        Assert.All(segments, s => Assert.Equal("transcript.text.segment", s.GetProperty("type").GetString()));
        Assert.Equal(1.5, segments[0].GetProperty("end").GetDouble());
        Assert.Equal("This is a fake transcript.", segments[1].GetProperty("text").GetString());
        Assert.Equal("tokens", json.GetProperty("usage").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("GET", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, null, 404, "404", null)]
    [InlineData("POST", "/openai/v1/audio/speech", "key", FakeAzure.Whisper, null, 404, "404", null)]
    [InlineData("POST", "/v1/audio/transcriptions", "key", FakeAzure.Whisper, null, 404, "404", null)]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "none", FakeAzure.Whisper, null, 401, "401", null)]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "wrong-key", FakeAzure.Whisper, null, 401, "401", null)]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "wrong-token", FakeAzure.Whisper, null, 401, "401", null)]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", "no-such-deployment", null, 404, "DeploymentNotFound", "model")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", "", null, 400, "missing_required_parameter", "model")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "langauge=en", 400, "unknown_parameter", "langauge")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "timestamp_granularities=word", 400, "unknown_parameter", "timestamp_granularities")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "timestamp_granularities[]=word", 400, null, "timestamp_granularities")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "temperature=1.5", 400, "invalid_value", "temperature")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "include[]=logprobs", 400, "invalid_value", "include")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Gpt4o, "response_format=srt", 400, "unsupported_value", "response_format")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "response_format=diarized_json", 400, "unsupported_value", "response_format")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Diarize, "prompt=hi", 400, "unsupported_value", "prompt")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Whisper, "known_speaker_names[]=a", 400, "unsupported_value", "known_speaker_names")]
    [InlineData("POST", FakeAzureOpenAIServer.TranscriptionsPath, "key", FakeAzure.Diarize, "chunking_strategy=sometimes", 400, "invalid_value", "chunking_strategy")]
    [InlineData("POST", FakeAzureOpenAIServer.TranslationsPath, "key", FakeAzure.Gpt4o, null, 400, "OperationNotSupported", "model")]
    [InlineData("POST", FakeAzureOpenAIServer.TranslationsPath, "key", FakeAzure.Whisper, "language=en", 400, "unknown_parameter", "language")]
    public async Task Rejects_what_Azure_rejects(string method, string path, string auth, string model, string? field, int status, string? code, string? param)
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = new HttpClient { BaseAddress = fake.Endpoint };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        var fields = field is null ? [] : new[] { (field.Split('=')[0], field.Split('=')[1]) };
        request.Content = Multipart.Form(FakeAzure.Audio, "clip.wav", model, fields);
        switch (auth)
        {
            case "key":
                request.Headers.Add("api-key", FakeAzure.Key);
                break;
            case "wrong-key":
                request.Headers.Add("api-key", "nope");
                break;
            case "wrong-token":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "nope");
                break;
        }
        using var response = await client.SendAsync(request);
        var error = await FakeAzure.ErrorAsync(response, (HttpStatusCode)status);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.NotEmpty(response.Headers.GetValues("apim-request-id").Single());
    }

    [Fact]
    public async Task Rejects_a_body_without_a_proper_file_part()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);

        using var json = await client.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, new StringContent("{\"model\":\"stt-whisper\"}", Encoding.UTF8, "application/json"));
        Assert.Equal("invalid_content_type", (await FakeAzure.ErrorAsync(json, HttpStatusCode.BadRequest)).GetProperty("code").GetString());

        using var noFile = new MultipartFormDataContent { { new StringContent(FakeAzure.Whisper), "model" } };
        using var missing = await client.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, noFile);
        Assert.Equal("file", (await FakeAzure.ErrorAsync(missing, HttpStatusCode.BadRequest)).GetProperty("param").GetString());

        using var fileAsText = new MultipartFormDataContent { { new StringContent(FakeAzure.Whisper), "model" }, { new StringContent("RIFF"), "file" } };
        using var noName = await client.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, fileAsText);
        Assert.Contains("filename", (await FakeAzure.ErrorAsync(noName, HttpStatusCode.BadRequest)).GetProperty("message").GetString());

        using var wrongPart = Multipart.Form(FakeAzure.Audio, "clip.wav", FakeAzure.Diarize);
        wrongPart.Add(new ByteArrayContent(FakeAzure.Audio), "known_speaker_references[]", "ref.wav");
        using var filePart = await client.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, wrongPart);
        Assert.Equal("known_speaker_references[]", (await FakeAzure.ErrorAsync(filePart, HttpStatusCode.BadRequest)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Accepts_the_bearer_token_instead_of_the_key()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = new HttpClient { BaseAddress = fake.Endpoint };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FakeAzure.Token);
        using var response = await FakeAzure.TranscribeAsync(client, FakeAzure.Mini, ("response_format", "text"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + FakeAzure.Token, fake.Requests[0].Headers["authorization"]);
    }

    [Fact]
    public async Task Streams_deltas_one_by_one_with_the_configured_delay()
    {
        var delay = TimeSpan.FromMilliseconds(60);
        await using var fake = await FakeAzure.StartAsync(delay);
        using var client = FakeAzure.Client(fake);
        using var request = new HttpRequestMessage(HttpMethod.Post, FakeAzureOpenAIServer.TranscriptionsPath)
        {
            Content = Multipart.Form(FakeAzure.Audio, "clip.wav", FakeAzure.Gpt4o, ("stream", "true"), ("include[]", "logprobs")),
        };
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var firstLine = await reader.ReadLineAsync();
        var firstAt = clock.Elapsed;
        var rest = await reader.ReadToEndAsync();
        var doneAt = clock.Elapsed;

        var events = FakeAzure.Events(firstLine + "\n" + rest);
        Assert.Equal(9, events.Count);
        Assert.True(doneAt - firstAt >= delay * 7, $"first event at {firstAt}, done at {doneAt}");
        var deltas = events[..^1];
        Assert.All(deltas, e => Assert.Equal("transcript.text.delta", e.GetProperty("type").GetString()));
        Assert.Equal("Hello", deltas[0].GetProperty("delta").GetString());
        Assert.All(deltas, e => Assert.Equal(1, e.GetProperty("logprobs").GetArrayLength()));
        var done = events[^1];
        Assert.Equal("transcript.text.done", done.GetProperty("type").GetString());
        Assert.Equal(string.Concat(deltas.Select(e => e.GetProperty("delta").GetString())), done.GetProperty("text").GetString());
        Assert.Equal("tokens", done.GetProperty("usage").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Diarize_stream_has_segment_events_and_whisper_ignores_stream()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        using var diarized = await FakeAzure.TranscribeAsync(client, FakeAzure.Diarize, ("stream", "true"));
        var events = FakeAzure.Events(await diarized.Content.ReadAsStringAsync());
        var segments = events.Where(e => e.GetProperty("type").GetString() == "transcript.text.segment").ToList();
        Assert.Equal(["A", "B"], segments.Select(s => s.GetProperty("speaker").GetString()));
        Assert.Equal("seg_1", events.First(e => e.GetProperty("type").GetString() == "transcript.text.delta" && e.GetProperty("delta").GetString() == " This").GetProperty("segment_id").GetString());
        Assert.Equal("transcript.text.done", events[^1].GetProperty("type").GetString());

        using var whisper = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper, ("stream", "true"));
        Assert.Equal(JsonValueKind.String, (await FakeAzure.JsonAsync(whisper)).GetProperty("text").ValueKind);
    }

    [Fact]
    public async Task Scripted_statuses_apply_in_order_the_given_number_of_times()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        fake.Enqueue(FakeResponse.Status(503).Times(2));
        fake.Enqueue(FakeResponse.Status(400, "{\"error\":{\"message\":\"custom\",\"type\":\"x\",\"param\":null,\"code\":null}}", new Dictionary<string, string> { ["x-custom"] = "1" }));

        using var first = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.Equal("server_error", (await FakeAzure.ErrorAsync(first, HttpStatusCode.ServiceUnavailable)).GetProperty("type").GetString());
        using var second = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        using var third = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.Equal("custom", (await FakeAzure.ErrorAsync(third, HttpStatusCode.BadRequest)).GetProperty("message").GetString());
        Assert.Equal("1", third.Headers.GetValues("x-custom").Single());
        using var fourth = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.Equal(HttpStatusCode.OK, fourth.StatusCode);
    }

    [Fact]
    public async Task Always_answers_429_with_retry_after_until_the_script_is_cleared()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        fake.Enqueue(FakeResponse.TooManyRequests(1).Always());
        for (int i = 0; i < 3; i++)
        {
            using var limited = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
            Assert.Equal("rate_limit_exceeded", (await FakeAzure.ErrorAsync(limited, HttpStatusCode.TooManyRequests)).GetProperty("type").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        }
        fake.ClearScript();
        using var ok = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Delay_then_default_and_scripted_events()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        fake.Enqueue(FakeResponse.Delay(TimeSpan.FromMilliseconds(300)));
        fake.Enqueue(FakeResponse.Sse(SseEvent.Json(new { type = "transcript.text.delta", delta = "Hi" }), new SseEvent("[DONE]", TimeSpan.FromMilliseconds(50))));

        var clock = Stopwatch.StartNew();
        using var delayed = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), clock.Elapsed.ToString());
        Assert.Equal(HttpStatusCode.OK, delayed.StatusCode);

        using var sse = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: {\"type\":\"transcript.text.delta\",\"delta\":\"Hi\"}\n\ndata: [DONE]\n\n", await sse.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hang_lasts_until_the_client_gives_up()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var impatient = FakeAzure.Client(fake, TimeSpan.FromMilliseconds(300));
        fake.Enqueue(FakeResponse.Hang());
        await Assert.ThrowsAsync<TaskCanceledException>(() => FakeAzure.TranscribeAsync(impatient, FakeAzure.Whisper));
        using var next = await FakeAzure.TranscribeAsync(impatient, FakeAzure.Whisper);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dropped_connection_fails_the_request(bool afterHeaders)
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        fake.Enqueue(FakeResponse.DropConnection(afterHeaders));
        await Assert.ThrowsAsync<HttpRequestException>(() => FakeAzure.TranscribeAsync(client, FakeAzure.Whisper));
        Assert.Equal(1, fake.RequestCount);
    }

    [Fact]
    public async Task Waits_for_the_nth_request()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var client = FakeAzure.Client(fake);
        var second = fake.WaitForRequestAsync(2);
        using var a = await FakeAzure.TranscribeAsync(client, FakeAzure.Whisper, ("language", "en"));
        Assert.False(second.IsCompleted);
        fake.Enqueue(FakeResponse.Hang());
        using var cancel = new CancellationTokenSource();
        var hanging = client.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, Multipart.Form(FakeAzure.Audio, "b.wav", FakeAzure.Whisper), cancel.Token);
        var recorded = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("b.wav", recorded.FileName);
        Assert.Equal("en", (await fake.WaitForRequestAsync(1)).Field("language"));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
    }
}

/// <summary>The official OpenAI .NET SDK (2.15.0) configured for Azure OpenAI's v1 API, against the fake.</summary>
public class FakeAzureOpenAIServerSdkTests
{
    private static AudioClient Client(FakeAzureOpenAIServer fake, string deployment, string key = FakeAzure.Key, ClientRetryPolicy? retry = null) =>
        Client(fake, deployment, ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(key), "api-key"), retry);

    private static AudioClient Client(FakeAzureOpenAIServer fake, string deployment, AuthenticationPolicy auth, ClientRetryPolicy? retry = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(fake.Endpoint, "openai/v1/"), NetworkTimeout = TimeSpan.FromSeconds(10) };
        if (retry is not null)
        {
            options.RetryPolicy = retry;
        }
        return new AudioClient(deployment, auth, options);
    }

    private static Stream Audio() => new MemoryStream(FakeAzure.Audio);

    [Theory]
    [InlineData("Simple")]
    [InlineData("Verbose")]
    [InlineData("Srt")]
    [InlineData("Text")]
    public async Task Sdk_transcribes_in_each_format(string format)
    {
        await using var fake = await FakeAzure.StartAsync();
        var options = new AudioTranscriptionOptions
        {
            Language = "en",
            ResponseFormat = format switch
            {
                "Simple" => AudioTranscriptionFormat.Simple,
                "Verbose" => AudioTranscriptionFormat.Verbose,
                "Srt" => AudioTranscriptionFormat.Srt,
                _ => AudioTranscriptionFormat.Text,
            },
        };
        if (format == "Verbose")
        {
            options.TimestampGranularities = AudioTimestampGranularities.Word | AudioTimestampGranularities.Segment;
        }
        AudioTranscription result = await Client(fake, FakeAzure.Whisper).TranscribeAudioAsync(Audio(), "clip.wav", options);

        Assert.Contains("Hello from stt-whisper.", result.Text);
        var sent = fake.Requests.Single();
        Assert.Equal(FakeAzureOpenAIServer.TranscriptionsPath, sent.Path);
        Assert.Equal(FakeAzure.Whisper, sent.Field("model"));
        Assert.Equal("clip.wav", sent.FileName);
        Assert.Equal(FakeAzure.Audio, sent.FileBytes);
        if (format == "Verbose")
        {
            Assert.Equal("english", result.Language);
            Assert.Equal(TimeSpan.FromSeconds(4), result.Duration);
            Assert.Equal(2, result.Segments.Count);
            Assert.Equal(8, result.Words.Count);
            Assert.Equal(["segment", "word"], sent.Fields["timestamp_granularities[]"].Order());
        }
        if (format == "Srt")
        {
            Assert.StartsWith("1\n00:00:00,000 --> ", result.Text);
        }
    }

    [Fact]
    public async Task Sdk_streams_deltas_and_done_with_logprobs()
    {
        await using var fake = await FakeAzure.StartAsync(TimeSpan.FromMilliseconds(5));
        var deltas = new List<string>();
        StreamingAudioTranscriptionTextDoneUpdate? done = null;
        var updates = await Client(fake, FakeAzure.Gpt4o).TranscribeAudioStreamingAsync(Audio(), "clip.wav",
            new AudioTranscriptionOptions { Includes = AudioTranscriptionIncludes.Logprobs });
        await foreach (var update in updates)
        {
            switch (update)
            {
                case StreamingAudioTranscriptionTextDeltaUpdate d:
                    deltas.Add(d.Delta);
                    Assert.Single(d.TranscriptionTokenLogProbabilities);
                    break;
                case StreamingAudioTranscriptionTextDoneUpdate d:
                    done = d;
                    break;
            }
        }
        Assert.NotNull(done);
        Assert.Equal(string.Concat(deltas), done.Text);
        Assert.Equal(40, done.Usage.InputTokenDetails.AudioTokenCount);
        Assert.Equal(8, done.TranscriptionTokenLogProbabilities.Count);
        Assert.Equal("true", fake.Requests.Single().Field("stream"));
    }

    [Fact]
    public async Task Sdk_reads_json_logprobs_and_token_usage()
    {
        await using var fake = await FakeAzure.StartAsync();
        AudioTranscription result = await Client(fake, FakeAzure.Mini).TranscribeAudioAsync(Audio(), "clip.wav",
            new AudioTranscriptionOptions { Includes = AudioTranscriptionIncludes.Logprobs, ResponseFormat = AudioTranscriptionFormat.Simple });
        Assert.Equal(8, result.TranscriptionTokenLogProbabilities.Count);
        var usage = Assert.IsType<AudioTranscriptionTokenUsage>(result.Usage);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
        Assert.Equal(["logprobs"], fake.Requests.Single().Fields["include[]"]);
    }

    [Fact]
    public async Task Sdk_diarizes_and_streams_segments()
    {
        await using var fake = await FakeAzure.StartAsync();
        var client = Client(fake, FakeAzure.Diarize);
        // TranscribeAudioDiarizedAsync does not send response_format by itself: without it the answer is plain json.
        var options = new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Diarized,
            ChunkingStrategy = new AudioTranscriptionChunkingStrategy(AudioTranscriptionDefaultChunkingStrategy.Auto),
        };
        options.KnownSpeakerNames.Add("agent");
        options.KnownSpeakerReferenceUris.Add("data:audio/wav;base64,UklGRg==");
        DiarizedAudioTranscription result = await client.TranscribeAudioDiarizedAsync(Audio(), "clip.wav", options);
        Assert.Equal(["A", "B"], result.Segments.Select(s => s.SpeakerLabel));
        Assert.Equal("seg_0", result.Segments[0].Id);
        Assert.Equal(TimeSpan.FromSeconds(4), result.Duration);
        var sent = fake.Requests.Single();
        Assert.Equal("diarized_json", sent.Field("response_format"));
        Assert.Equal(["agent"], sent.Fields["known_speaker_names[]"]);

        var segments = new List<StreamingAudioTranscriptionTextSegmentUpdate>();
        await foreach (var update in await client.TranscribeAudioStreamingAsync(Audio(), "clip.wav", new AudioTranscriptionOptions()))
        {
            if (update is StreamingAudioTranscriptionTextSegmentUpdate segment)
            {
                segments.Add(segment);
            }
        }
        Assert.Equal(["seg_0", "seg_1"], segments.Select(s => s.SegmentId));
        Assert.Equal("B", segments[1].SpeakerLabel);
    }

    [Fact]
    public async Task Sdk_translates_with_whisper()
    {
        await using var fake = await FakeAzure.StartAsync();
        AudioTranslation result = await Client(fake, FakeAzure.Whisper).TranslateAudioAsync(Audio(), "clip.wav",
            new AudioTranslationOptions { ResponseFormat = AudioTranslationFormat.Verbose });
        Assert.Equal("english", result.Language);
        Assert.Equal(FakeAzureOpenAIServer.TranslationsPath, fake.Requests.Single().Path);
    }

    [Fact]
    public async Task Sdk_authenticates_with_a_bearer_token()
    {
        await using var fake = await FakeAzure.StartAsync();
        var client = Client(fake, FakeAzure.Whisper, ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(new ApiKeyCredential(FakeAzure.Token)));
        AudioTranscription result = await client.TranscribeAudioAsync(Audio(), "clip.wav");
        Assert.NotEmpty(result.Text);
        Assert.False(fake.Requests.Single().Headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task Sdk_sees_401_for_a_wrong_key_and_404_for_an_unknown_deployment()
    {
        await using var fake = await FakeAzure.StartAsync();
        var unauthorized = await Assert.ThrowsAsync<ClientResultException>(() => Client(fake, FakeAzure.Whisper, key: "wrong").TranscribeAudioAsync(Audio(), "clip.wav"));
        Assert.Equal(401, unauthorized.Status);
        var notFound = await Assert.ThrowsAsync<ClientResultException>(() => Client(fake, "missing").TranscribeAudioAsync(Audio(), "clip.wav"));
        Assert.Equal(404, notFound.Status);
        Assert.Contains("DeploymentNotFound", notFound.Message);
        Assert.Equal(2, fake.RequestCount);
    }

    [Fact]
    public async Task Sdk_waits_for_retry_after_on_429()
    {
        await using var fake = await FakeAzure.StartAsync();
        fake.Enqueue(FakeResponse.TooManyRequests(1));
        AudioTranscription result = await Client(fake, FakeAzure.Whisper).TranscribeAudioAsync(Audio(), "clip.wav");
        Assert.NotEmpty(result.Text);
        var requests = fake.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900), $"{requests[1].ReceivedAt - requests[0].ReceivedAt}");
    }

    [Fact]
    public async Task Sdk_fails_when_the_connection_drops()
    {
        await using var fake = await FakeAzure.StartAsync();
        fake.Enqueue(FakeResponse.DropConnection().Always());
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client(fake, FakeAzure.Whisper, retry: new ClientRetryPolicy(0)).TranscribeAudioAsync(Audio(), "clip.wav"));
        Assert.IsType<HttpRequestException>(e.InnerException);
        Assert.Equal(1, fake.RequestCount);
    }
}
