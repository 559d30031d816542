using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>
/// Every Azure OpenAI deployment kind end to end through the real server and the fake resource: what reached
/// Azure (path, key, deployment, file, fields under OpenAI's names) and what the client got back.
/// </summary>
[Collection(AzureBackendCollection.Name)]
public class AzureBackendTests(AzureServerFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    private const string ServerVad = "{\"type\":\"server_vad\",\"prefix_padding_ms\":300,\"silence_duration_ms\":500,\"threshold\":0.6}";

    private RecordedRequest OnlyRequest()
    {
        var sent = Assert.Single(Host.Fake.Requests);
        Assert.Equal(AzureTestHost.Key, sent.Headers["api-key"]);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
        Assert.Equal(AzureCalls.Upload, sent.FileBytes);
        Assert.Equal(AzureCalls.UploadName, sent.FileName);
        return sent;
    }

    private static void AssertFields(RecordedRequest sent, params (string Name, string[] Values)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Name).Order(), sent.Fields.Keys.Order());
        foreach (var (name, values) in expected)
        {
            Assert.Equal(values, sent.Fields[name]);
        }
    }

    private static FakeTranscript Expected(string deployment, string kind, bool translate = false, string? prompt = null,
        IReadOnlyList<string>? languages = null) =>
        FakeTranscript.For(deployment, kind, 4.0, translate, prompt, languages);

    [Fact]
    public async Task Gpt4o_transcribe_forwards_every_field_and_returns_token_usage_and_logprobs()
    {
        Host.Fake.Clear();
        const string prompt = "Names: Zoë, Ángel";
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-transcribe", ("language", "en"), ("prompt", prompt),
            ("temperature", "0.3"), ("include[]", "logprobs"), ("chunking_strategy", ServerVad), ("response_format", "json"));
        var json = await AzureCalls.JsonAsync(response);

        Assert.Equal("azure-openai:aoai-4o", AzureCalls.Header(response, "x-stt-backend"));
        Assert.Empty(AzureCalls.Header(response, "x-stt-fallback-from"));
        var sent = OnlyRequest();
        Assert.Equal(FakeAzureOpenAIServer.TranscriptionsPath, sent.Path);
        AssertFields(sent, ("model", ["aoai-4o"]), ("language", ["en"]), ("prompt", [prompt]), ("temperature", ["0.3"]),
            ("include[]", ["logprobs"]), ("chunking_strategy", [ServerVad]), ("response_format", ["json"]));

        var expected = Expected("aoai-4o", FakeDeploymentKind.Gpt4oTranscribe, prompt: prompt).Json(logprobs: true);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json.GetRawText())), json.GetRawText());
        var usage = json.GetProperty("usage");
        Assert.Equal("tokens", usage.GetProperty("type").GetString());
        Assert.Equal(40, usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("input_token_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(8, json.GetProperty("logprobs").GetArrayLength());
        Assert.Equal("Hello", json.GetProperty("logprobs")[0].GetProperty("token").GetString());
    }

    [Fact]
    public async Task Gpt_transcribe_sends_keywords_and_languages_as_repeated_fields_and_relays_the_detected_languages()
    {
        Host.Fake.Clear();
        // With and without the brackets, as SDKs and curl scripts send arrays.
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-transcribe", ("prompt", "A support call."),
            ("keywords[]", "AC-42"), ("keywords", "Premium Plus"), ("languages[]", "FR"), ("languages", "en"));
        var json = await AzureCalls.JsonAsync(response);

        Assert.Equal("azure-openai:aoai-gpt-transcribe", AzureCalls.Header(response, "x-stt-backend"));
        AssertFields(OnlyRequest(), ("model", ["aoai-gpt-transcribe"]), ("prompt", ["A support call."]),
            ("keywords[]", ["AC-42", "Premium Plus"]), ("languages[]", ["fr", "en"]));
        var expected = Expected("aoai-gpt-transcribe", FakeDeploymentKind.GptTranscribe, prompt: "A support call.", languages: ["fr", "en"])
            .Json(logprobs: false);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json.GetRawText())), json.GetRawText());
        Assert.Equal("""[{"code":"fr"}]""", json.GetProperty("languages").GetRawText());
    }

    [Fact]
    public async Task The_dated_mini_snapshot_answers_json_and_text_like_mini()
    {
        Host.Fake.Clear();
        using var json = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-mini-transcribe-2025-12-15", ("include[]", "logprobs"));
        Assert.Equal(8, (await AzureCalls.JsonAsync(json)).GetProperty("logprobs").GetArrayLength());
        Host.Fake.Clear();
        using var text = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-mini-transcribe-2025-12-15", ("response_format", "text"));
        Assert.Equal(Expected("aoai-4o-mini-2025-12-15", FakeDeploymentKind.Gpt4oMiniTranscribe20251215).PlainText(), await text.Content.ReadAsStringAsync());
        AssertFields(OnlyRequest(), ("model", ["aoai-4o-mini-2025-12-15"]), ("response_format", ["text"]));
    }

    [Fact]
    public async Task Gpt4o_transcribe_without_options_sends_only_model_and_file()
    {
        Host.Fake.Clear();
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-transcribe");
        var json = await AzureCalls.JsonAsync(response);
        AssertFields(OnlyRequest(), ("model", ["aoai-4o"]));
        Assert.Equal("Hello from aoai-4o. This is a fake transcript.", json.GetProperty("text").GetString());
        Assert.False(json.TryGetProperty("logprobs", out _));
    }

    [Fact]
    public async Task Gpt4o_mini_transcribe_answers_json_and_text_verbatim()
    {
        Host.Fake.Clear();
        using var json = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-mini-transcribe", ("include[]", "logprobs"));
        Assert.Equal(8, (await AzureCalls.JsonAsync(json)).GetProperty("logprobs").GetArrayLength());
        Assert.Equal("azure-openai:aoai-4o-mini", AzureCalls.Header(json, "x-stt-backend"));
        Host.Fake.Clear();

        using var text = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-mini-transcribe", ("response_format", "text"), ("language", "en"));
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetBytes(Expected("aoai-4o-mini", FakeDeploymentKind.Gpt4oMiniTranscribe).PlainText()),
            await text.Content.ReadAsByteArrayAsync());
        AssertFields(OnlyRequest(), ("model", ["aoai-4o-mini"]), ("response_format", ["text"]), ("language", ["en"]));
    }

    [Fact]
    public async Task Whisper_verbose_json_has_words_and_segments_and_forwards_granularities()
    {
        Host.Fake.Clear();
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "whisper-azure", ("response_format", "verbose_json"),
            ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment"), ("language", "en"), ("prompt", "Hi."),
            ("temperature", "0.2"));
        var json = await AzureCalls.JsonAsync(response);

        Assert.Equal("azure-openai:aoai-whisper", AzureCalls.Header(response, "x-stt-backend"));
        AssertFields(OnlyRequest(), ("model", ["aoai-whisper"]), ("response_format", ["verbose_json"]),
            ("timestamp_granularities[]", ["word", "segment"]), ("language", ["en"]), ("prompt", ["Hi."]), ("temperature", ["0.2"]));
        Assert.True(JsonNode.DeepEquals(Expected("aoai-whisper", FakeDeploymentKind.Whisper, prompt: "Hi.").VerboseJson(true, true),
            JsonNode.Parse(json.GetRawText())), json.GetRawText());
        Assert.Equal("english", json.GetProperty("language").GetString());
        Assert.Equal(8, json.GetProperty("words").GetArrayLength());
        var segments = json.GetProperty("segments");
        Assert.Equal(2, segments.GetArrayLength());
        Assert.Equal(" This is a fake transcript.", segments[1].GetProperty("text").GetString());
        Assert.Equal(-0.25, segments[1].GetProperty("avg_logprob").GetDouble());
        Assert.Equal(JsonSerializer.Serialize(new { type = "duration", seconds = 4 }), json.GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task Whisper_takes_the_bare_granularity_field_name_and_sends_openai_array_name()
    {
        Host.Fake.Clear();
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "whisper-azure", ("response_format", "verbose_json"),
            ("timestamp_granularities", "word"));
        var json = await AzureCalls.JsonAsync(response);
        AssertFields(OnlyRequest(), ("model", ["aoai-whisper"]), ("response_format", ["verbose_json"]), ("timestamp_granularities[]", ["word"]));
        Assert.Equal(8, json.GetProperty("words").GetArrayLength());
        Assert.False(json.TryGetProperty("segments", out _));
    }

    [Theory]
    [InlineData("text", false)]
    [InlineData("srt", false)]
    [InlineData("vtt", false)]
    [InlineData("text", true)]
    [InlineData("srt", true)]
    [InlineData("vtt", true)]
    public async Task Whisper_text_formats_are_relayed_byte_for_byte(string format, bool translate)
    {
        Host.Fake.Clear();
        using var response = translate
            ? await AzureCalls.TranslateAsync(Host.Client, "whisper-azure", ("response_format", format))
            : await AzureCalls.TranscribeAsync(Host.Client, "whisper-azure", ("response_format", format));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var expected = Expected("aoai-whisper", FakeDeploymentKind.Whisper, translate);
        var body = format switch { "text" => expected.PlainText(), "srt" => expected.Srt(), _ => expected.Vtt() };
        Assert.Equal(Encoding.UTF8.GetBytes(body), await response.Content.ReadAsByteArrayAsync());

        var sent = OnlyRequest();
        Assert.Equal(translate ? FakeAzureOpenAIServer.TranslationsPath : FakeAzureOpenAIServer.TranscriptionsPath, sent.Path);
        AssertFields(sent, ("model", ["aoai-whisper"]), ("response_format", [format]));
    }

    [Fact]
    public async Task Whisper_translation_goes_to_the_translations_path_with_translation_fields_only()
    {
        Host.Fake.Clear();
        // language is not a translation field: the service must not forward it (Azure would reject it).
        using var response = await AzureCalls.TranslateAsync(Host.Client, "whisper-azure", ("response_format", "verbose_json"),
            ("prompt", "Terms."), ("temperature", "0.5"), ("language", "de"));
        var json = await AzureCalls.JsonAsync(response);
        var sent = OnlyRequest();
        Assert.Equal(FakeAzureOpenAIServer.TranslationsPath, sent.Path);
        AssertFields(sent, ("model", ["aoai-whisper"]), ("response_format", ["verbose_json"]), ("prompt", ["Terms."]), ("temperature", ["0.5"]));
        Assert.Equal("translate", json.GetProperty("task").GetString());
        Assert.Equal("english", json.GetProperty("language").GetString());
        Assert.Equal("azure-openai:aoai-whisper", AzureCalls.Header(response, "x-stt-backend"));
    }

    [Fact]
    public async Task Diarize_returns_speaker_segments_and_forwards_known_speakers()
    {
        Host.Fake.Clear();
        const string refA = "data:audio/wav;base64,UklGRiQAAABXQVZF";
        const string refB = "data:audio/wav;base64,UklGRiQAAABXQVZG";
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-transcribe-diarize", ("response_format", "diarized_json"),
            ("chunking_strategy", "auto"), ("known_speaker_names[]", "agent"), ("known_speaker_names[]", "customer"),
            ("known_speaker_references[]", refA), ("known_speaker_references[]", refB), ("language", "en"));
        var json = await AzureCalls.JsonAsync(response);

        Assert.Equal("azure-openai:aoai-diarize", AzureCalls.Header(response, "x-stt-backend"));
        AssertFields(OnlyRequest(), ("model", ["aoai-diarize"]), ("response_format", ["diarized_json"]), ("chunking_strategy", ["auto"]),
            ("known_speaker_names[]", ["agent", "customer"]), ("known_speaker_references[]", [refA, refB]), ("language", ["en"]));
        Assert.True(JsonNode.DeepEquals(Expected("aoai-diarize", FakeDeploymentKind.Gpt4oTranscribeDiarize).DiarizedJson(),
            JsonNode.Parse(json.GetRawText())), json.GetRawText());
        var segments = json.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(["A", "B"], segments.Select(s => s.GetProperty("speaker").GetString()));
        Assert.Equal(["seg_0", "seg_1"], segments.Select(s => s.GetProperty("id").GetString()));
        Assert.All(segments, s => Assert.Equal("transcript.text.segment", s.GetProperty("type").GetString()));
        Assert.Equal("tokens", json.GetProperty("usage").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Models_list_the_azure_deployments_with_backend_kind_and_formats()
    {
        using var response = await Host.Client.GetAsync("v1/models");
        var models = (await AzureCalls.JsonAsync(response)).GetProperty("data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.True(models.ContainsKey("whisper-1"));
        Assert.Equal("whisper.cpp", models["whisper-1"].GetProperty("backend").GetString());

        (string Id, string Kind, string[] Formats, string[] Translation, bool Streaming)[] expected =
        [
            ("gpt-4o-transcribe", "gpt-4o-transcribe", ["json"], [], true),
            ("gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe", ["json", "text"], [], true),
            ("gpt-4o-transcribe-diarize", "gpt-4o-transcribe-diarize", ["json", "text", "diarized_json"], [], true),
            ("whisper-azure", "whisper", ["json", "text", "srt", "vtt", "verbose_json"], ["json", "text", "srt", "vtt", "verbose_json"], false),
        ];
        foreach (var (id, kind, formats, translation, streaming) in expected)
        {
            var m = models[id];
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.Equal("azure-openai", m.GetProperty("backend").GetString());
            Assert.Equal("azure-openai", m.GetProperty("owned_by").GetString());
            Assert.Equal(kind, m.GetProperty("kind").GetString());
            Assert.Equal(formats.Order(), m.GetProperty("response_formats").EnumerateArray().Select(f => f.GetString()!).Order());
            Assert.Equal(translation.Order(), m.GetProperty("translation_formats").EnumerateArray().Select(f => f.GetString()!).Order());
            Assert.Equal(streaming, m.GetProperty("streaming").GetBoolean());
            Assert.Contains("127.0.0.1", m.GetProperty("description").GetString());
            Assert.DoesNotContain(AzureTestHost.Key, m.GetRawText());
        }
        Assert.Equal(["whisper-1"], models["gpt-4o-fallback"].GetProperty("fallbacks").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1400, models["gpt-4o-transcribe"].GetProperty("max_audio_seconds").GetDouble());

        using var one = await Host.Client.GetAsync("v1/models/gpt-4o-transcribe-diarize");
        Assert.Equal("gpt-4o-transcribe-diarize", (await AzureCalls.JsonAsync(one)).GetProperty("kind").GetString());
    }
}
