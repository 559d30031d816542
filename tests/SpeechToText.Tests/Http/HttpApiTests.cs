using System.Net;
using System.Text;
using System.Text.Json;
using SpeechToText.TestSupport;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

/// <summary>The real server process, real whisper.cpp (synthetic model), real ffmpeg, over real HTTP.</summary>
[Collection(LocalServerCollection.Name)]
public class HttpApiTests(LocalServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;
    private static AudioSamples Samples => AudioSamples.Shared;

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(HttpContent content,
        string path = "v1/audio/transcriptions")
    {
        var response = await _client.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static JsonElement Error(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error").Clone();
        Assert.True(error.TryGetProperty("message", out var m) && m.GetString()!.Length > 0);
        Assert.True(error.TryGetProperty("type", out _));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return error;
    }

    [Theory]
    [InlineData(nameof(AudioSamples.Wav16kMonoS16))]
    [InlineData(nameof(AudioSamples.Wav44kStereoS16))]
    [InlineData(nameof(AudioSamples.Mp3))]
    [InlineData(nameof(AudioSamples.OggVorbis))]
    [InlineData(nameof(AudioSamples.OggOpus))]
    [InlineData(nameof(AudioSamples.Flac))]
    [InlineData(nameof(AudioSamples.M4a))]
    [InlineData(nameof(AudioSamples.Webm))]
    [InlineData(nameof(AudioSamples.Mp4MoovAtEnd))]
    public async Task Every_container_transcribes_to_verbose_json_with_the_right_duration(string sample)
    {
        // A misleading name: the format is identified by content.
        var (status, body, _) = await PostAsync(Multipart.Form(File.ReadAllBytes(Samples[sample]), "recording.txt", "whisper-1",
            ("response_format", "verbose_json")));
        Assert.True(status == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("transcribe", root.GetProperty("task").GetString());
        Assert.Equal("english", root.GetProperty("language").GetString());
        Assert.Equal(Samples.SpeechSeconds, root.GetProperty("duration").GetDouble(), 0.1);
        Assert.Equal("duration", root.GetProperty("usage").GetProperty("type").GetString());
        Assert.Equal((int)Math.Ceiling(root.GetProperty("duration").GetDouble()), root.GetProperty("usage").GetProperty("seconds").GetInt32());
        AssertSegmentsWellFormed(root, root.GetProperty("duration").GetDouble());
    }

    internal static void AssertSegmentsWellFormed(JsonElement root, double duration)
    {
        double previousEnd = 0;
        int id = 0;
        foreach (var seg in root.GetProperty("segments").EnumerateArray())
        {
            Assert.Equal(id++, seg.GetProperty("id").GetInt32());
            double start = seg.GetProperty("start").GetDouble(), end = seg.GetProperty("end").GetDouble();
            Assert.True(start >= previousEnd - 0.011 && end >= start && end <= duration + 0.011, $"segment {start}-{end} in {duration}");
            previousEnd = end;
            foreach (var field in new[] { "seek", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob" })
            {
                Assert.True(seg.TryGetProperty(field, out _), $"segment lacks {field}");
            }
        }
    }

    [Theory]
    [InlineData("json", "application/json")]
    [InlineData("text", "text/plain")]
    [InlineData("srt", "text/plain")]
    [InlineData("vtt", "text/plain")]
    [InlineData("verbose_json", "application/json")]
    public async Task Each_response_format_has_its_shape_and_content_type(string format, string contentType)
    {
        var (status, body, response) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("response_format", format)));
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("whisper.cpp", response.Headers.GetValues("x-stt-backend").Single());
        switch (format)
        {
            case "json":
                using (var doc = JsonDocument.Parse(body))
                {
                    Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("text").ValueKind);
                    Assert.Equal("duration", doc.RootElement.GetProperty("usage").GetProperty("type").GetString());
                }
                break;
            case "text":
                Assert.EndsWith("\n", body);
                Assert.DoesNotContain("{", body.Length > 0 ? body[..1] : "");
                break;
            case "srt":
                Assert.Matches(@"^(\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n[^\n]*\n\n)*$", body);
                break;
            case "vtt":
                Assert.StartsWith("WEBVTT\n\n", body);
                Assert.Matches(@"^WEBVTT\n\n(\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n[^\n]*\n\n)*$", body);
                break;
        }
    }

    [Fact]
    public async Task Word_timestamps_lie_within_the_audio_and_are_ordered()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1",
            ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment")));
        Assert.True(status == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        double duration = doc.RootElement.GetProperty("duration").GetDouble();
        var words = doc.RootElement.GetProperty("words").EnumerateArray().ToList();
        double previous = 0;
        foreach (var w in words)
        {
            double start = w.GetProperty("start").GetDouble(), end = w.GetProperty("end").GetDouble();
            Assert.True(start >= previous - 0.011 && end >= start && end <= duration + 0.011);
            Assert.False(string.IsNullOrEmpty(w.GetProperty("word").GetString()));
            previous = start;
        }
        Assert.True(doc.RootElement.TryGetProperty("segments", out _));
    }

    [Fact]
    public async Task Translation_reports_translate_task_in_english()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Mp3, "whisper-1", ("response_format", "verbose_json")), "v1/audio/translations");
        Assert.True(status == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("translate", doc.RootElement.GetProperty("task").GetString());
        Assert.Equal("english", doc.RootElement.GetProperty("language").GetString());
    }

    [Fact]
    public async Task Streaming_sends_deltas_then_done_then_DONE()
    {
        var response = await _client.PostAsync("v1/audio/transcriptions",
            Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("stream", "true")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var payloads = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.Equal("transcript.text.done", payloads[^1].GetProperty("type").GetString());
        Assert.All(payloads[..^1], p => Assert.Equal("transcript.text.delta", p.GetProperty("type").GetString()));
        var joined = string.Concat(payloads[..^1].Select(p => p.GetProperty("delta").GetString()));
        Assert.Equal(joined.Trim(), payloads[^1].GetProperty("text").GetString());
        Assert.Equal("duration", payloads[^1].GetProperty("usage").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_local_model_takes_keywords_and_languages_and_answers_json_and_done_with_the_language_used()
    {
        // The server's model is English-only: en is its one possible candidate. Arrays with and without brackets.
        (string, string)[] hints = [("keywords[]", "AC-42"), ("keywords", "Premium Plus"), ("languages[]", "EN")];
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", hints));
        Assert.True(status == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(["text", "languages", "usage"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("""[{"code":"en"}]""", doc.RootElement.GetProperty("languages").GetRawText());

        var streamed = await _client.PostAsync("v1/audio/transcriptions",
            Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", [.. hints, ("stream", "true")]));
        var events = (await streamed.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        using var done = JsonDocument.Parse(events[^2]["data: ".Length..]);
        Assert.Equal("transcript.text.done", done.RootElement.GetProperty("type").GetString());
        Assert.Equal("""[{"code":"en"}]""", done.RootElement.GetProperty("languages").GetRawText());

        // Without the fields the answer is what it always was.
        var (_, plain, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("keywords[]", "AC-42")));
        Assert.DoesNotContain("languages", plain);
        var (_, text, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("languages[]", "en"), ("response_format", "text")));
        Assert.DoesNotContain("languages", text);
    }

    [Theory]
    [InlineData("languages", "languages[]=fr")]                   // English-only model
    [InlineData("languages", "languages[]=en", "language=en")]    // both
    [InlineData("languages", "languages[]=english")]              // a name, not a code
    [InlineData("keywords", "keywords[]=<b>AC-42</b>")]
    [InlineData("keywords", "keywords[]=")]
    public async Task Bad_keywords_or_languages_on_the_local_model_are_400_naming_the_field(string param, params string[] fields)
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1",
            [.. fields.Select(f => f.Split('=', 2)).Select(f => (f[0], f[1]))]));
        Assert.True(status == HttpStatusCode.BadRequest, body);
        var error = Error(body);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Models_lists_whisper_1_and_the_descriptive_id_flagged_synthetic()
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync("v1/models"));
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        var models = doc.RootElement.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Contains("whisper-1", models.Keys);
        Assert.Contains("whisper-synthetic-test.en-local", models.Keys);
        var w1 = models["whisper-1"];
        Assert.Equal("model", w1.GetProperty("object").GetString());
        Assert.Equal("whisper.cpp", w1.GetProperty("backend").GetString());
        Assert.True(w1.GetProperty("synthetic_model").GetBoolean());
        Assert.Equal(["json", "text", "srt", "vtt", "verbose_json"], w1.GetProperty("response_formats").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Health_reports_model_and_slots()
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync("health"));
        var model = doc.RootElement.GetProperty("local_model");
        Assert.True(model.GetProperty("loaded").GetBoolean());
        Assert.True(model.GetProperty("synthetic").GetBoolean());
        var engine = doc.RootElement.GetProperty("engine");
        Assert.Equal(2, engine.GetProperty("slots_total").GetInt32());
        Assert.Equal(32, engine.GetProperty("queue_capacity").GetInt32());
        Assert.True(engine.GetProperty("slots_free").GetInt32() <= 2);
    }

    // ----- errors: every one is the envelope, none is a 5xx -----

    [Fact]
    public async Task Unknown_model_is_404_model_not_found()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-9"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", Error(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Text_file_is_400_invalid_file_format_listing_formats()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Encoding.UTF8.GetBytes("#EXTM3U\nfile:///etc/passwd\n"), "audio.mp3"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var e = Error(body);
        Assert.Equal("invalid_file_format", e.GetProperty("code").GetString());
        Assert.Equal("file", e.GetProperty("param").GetString());
        Assert.Contains("mp3", e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Audio_under_a_tenth_of_a_second_is_audio_too_short()
    {
        var wav = WavBuilder.Simple(1, 1, 16000, 16, WavBuilder.Int16Samples(new short[800]));
        var (status, body, _) = await PostAsync(Multipart.Form(wav, "short.wav"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("audio_too_short", Error(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Missing_model_and_missing_file_name_the_field()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, model: ""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("model", Error(body).GetProperty("param").GetString());

        var noFile = new MultipartFormDataContent { { new StringContent("whisper-1"), "model" } };
        (status, body, _) = await PostAsync(noFile);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("file", Error(body).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Format_not_for_the_model_and_granularities_without_verbose_are_400()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("response_format", "diarized_json")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("response_format", Error(body).GetProperty("param").GetString());

        (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("timestamp_granularities[]", "word")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("timestamp_granularities", Error(body).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Body_over_25_MiB_is_413_while_uploading()
    {
        var big = new byte[26 * 1024 * 1024 + 1];
        WavBuilder.Simple(1, 1, 16000, 16, WavBuilder.Int16Samples(new short[16000])).CopyTo(big, 0);
        var (status, body, _) = await PostAsync(Multipart.Form(big, "big.wav"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("file", Error(body).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Upload_over_25_MiB_without_content_length_is_413()
    {
        // Chunked transfer: the limit is enforced while reading, not from a header.
        var big = new byte[25 * 1024 * 1024 + 100];
        var form = Multipart.Form(big, "big.wav");
        var stream = new MemoryStream();
        await form.CopyToAsync(stream);
        stream.Position = 0;
        var content = new StreamContent(new NonSeekableStream(stream));
        content.Headers.ContentType = form.Headers.ContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Error(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Thousands_of_parts_are_400()
    {
        var form = Multipart.Form(Samples.Wav16kMonoS16);
        for (int i = 0; i < 2000; i++)
        {
            form.Add(new StringContent("x"), $"f{i}");
        }
        var (status, body, _) = await PostAsync(form);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("too_many_parts", Error(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Huge_field_is_400_naming_it()
    {
        var (status, body, _) = await PostAsync(Multipart.Form(Samples.Wav16kMonoS16, "whisper-1", ("prompt", new string('a', 3 * 1024 * 1024))));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("prompt", Error(body).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Truncated_multipart_body_is_400()
    {
        var form = Multipart.Form(Samples.Wav16kMonoS16);
        var bytes = await form.ReadAsByteArrayAsync();
        var content = new ByteArrayContent(bytes[..(bytes.Length - 200)]);
        content.Headers.ContentType = form.Headers.ContentType;
        var (status, body, _) = await PostAsync(content);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_multipart", Error(body).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("application/json", "{\"model\":\"whisper-1\"}")]
    [InlineData("multipart/form-data", "no boundary here")]
    [InlineData("text/plain", "")]
    public async Task Non_multipart_bodies_are_400(string contentType, string payload)
    {
        var content = new StringContent(payload);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        var (status, body, _) = await PostAsync(content);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_content_type", Error(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_get_the_envelope()
    {
        var r = await _client.GetAsync("v1/audio/nothing");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Error(await r.Content.ReadAsStringAsync());
        r = await _client.GetAsync("v1/audio/transcriptions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Error(await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Responses_do_not_advertise_the_server()
    {
        var r = await _client.GetAsync("health");
        Assert.False(r.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Spilled_uploads_leave_no_temp_files()
    {
        // 9 MB WAV: above the in-memory threshold, so it spills to a temp file that must be gone afterwards.
        var wav = WavBuilder.Simple(1, 1, 16000, 16, WavBuilder.Int16Samples(new short[16000 * 290]));
        var tempDir = fixture.TempDirectory;
        var (status, body, _) = await PostAsync(Multipart.Form(wav, "long.wav", "whisper-1", ("response_format", "text")));
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.True(!Directory.Exists(tempDir) || Directory.GetFiles(tempDir).Length == 0);
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
