
using SpeechToText.Core.Audio;
using SpeechToText.Core.Http;
using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Http;

/// <summary>The validation matrix: each field, each bad value, the status/param/code OpenAI uses.</summary>
public class RequestValidationTests
{
    private static MultipartForm Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartForm { File = AudioUpload.FromBytes("a.wav", new byte[100]) };
        foreach (var (n, v) in fields)
        {
            form.Add(n, v);
        }
        return form;
    }

    private static ApiException BindFails(TranscriptionTask task, params (string, string)[] fields) =>
        Assert.Throws<ApiException>(() => TranscriptionRequestBinder.Bind(Form(fields), task));

    private static TranscriptionRequest Bind(params (string, string)[] fields) =>
        TranscriptionRequestBinder.Bind(Form(fields), TranscriptionTask.Transcribe);

    [Fact]
    public void Missing_file_is_400_with_param_file()
    {
        var form = new MultipartForm();
        form.Add("model", "whisper-1");
        var e = Assert.Throws<ApiException>(() => TranscriptionRequestBinder.Bind(form, TranscriptionTask.Transcribe));
        Assert.Equal((400, "file", "missing_required_parameter"), (e.Status, e.Param, e.Code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_model_is_400_with_param_model(string? model)
    {
        var e = model is null ? BindFails(TranscriptionTask.Transcribe) : BindFails(TranscriptionTask.Transcribe, ("model", model));
        Assert.Equal((400, "model", ApiException.InvalidRequest), (e.Status, e.Param, e.Type));
    }

    [Theory]
    [InlineData("response_format", "xml")]
    [InlineData("response_format", "JSON")]
    [InlineData("temperature", "1.5")]
    [InlineData("temperature", "-0.1")]
    [InlineData("temperature", "NaN")]
    [InlineData("temperature", "warm")]
    [InlineData("language", "klingon")]
    [InlineData("language", "e")]
    [InlineData("timestamp_granularities", "sentence")]
    [InlineData("include", "everything")]
    [InlineData("stream", "yes please")]
    [InlineData("chunking_strategy", "manual")]
    [InlineData("chunking_strategy", "{\"type\":\"fixed\"}")]
    [InlineData("chunking_strategy", "{not json")]
    public void Bad_values_are_400_naming_the_field(string field, string value)
    {
        var e = BindFails(TranscriptionTask.Transcribe, ("model", "whisper-1"), (field, value));
        Assert.Equal(400, e.Status);
        Assert.Equal(field, e.Param);
        Assert.Equal(ApiException.InvalidRequest, e.Type);
    }

    [Fact]
    public void Duplicate_scalar_field_is_400()
    {
        var e = BindFails(TranscriptionTask.Transcribe, ("model", "whisper-1"), ("model", "whisper-1"));
        Assert.Equal((400, "model", "duplicate_parameter"), (e.Status, e.Param, e.Code));
    }

    [Fact]
    public void Defaults_follow_openai()
    {
        using var r = Bind(("model", "whisper-1"));
        Assert.Equal(ResponseFormat.Json, r.ResponseFormat);
        Assert.Equal(0f, r.Temperature);
        Assert.False(r.Stream);
        Assert.True(r.WantsSegments);
        Assert.False(r.WantsWords);
        Assert.Null(r.Language);
    }

    [Fact]
    public void Fields_bind_including_arrays_and_language_names()
    {
        using var r = Bind(("model", "whisper-1"), ("language", "German"), ("prompt", "Names: Zoë"), ("response_format", "verbose_json"),
            ("temperature", "0.4"), ("timestamp_granularities", "word"), ("timestamp_granularities", "segment"), ("stream", "True"));
        Assert.Equal("de", r.Language);
        Assert.Equal("Names: Zoë", r.Prompt);
        Assert.Equal(ResponseFormat.VerboseJson, r.ResponseFormat);
        Assert.Equal(0.4f, r.Temperature);
        Assert.True(r.WantsWords && r.WantsSegments);
        Assert.True(r.Stream);
    }

    [Fact]
    public void Translations_ignore_language()
    {
        using var r = TranscriptionRequestBinder.Bind(Form(("model", "whisper-1"), ("language", "klingon")), TranscriptionTask.Translate);
        Assert.Null(r.Language);
    }

    private static ModelEntry Model(ModelKind kind, bool local = false) => new()
    {
        Id = kind.ToString(), Backend = local ? BackendKind.Local : BackendKind.AzureOpenAI, Kind = kind,
        Capabilities = ModelCapabilities.For(kind, local),
    };

    public static TheoryData<ModelKind, string, bool> FormatMatrix()
    {
        var data = new TheoryData<ModelKind, string, bool>();
        string[] formats = ["json", "text", "srt", "vtt", "verbose_json", "diarized_json"];
        var allowed = new Dictionary<ModelKind, string[]>
        {
            [ModelKind.Whisper] = ["json", "text", "srt", "vtt", "verbose_json"],
            [ModelKind.Gpt4oTranscribe] = ["json"],
            [ModelKind.Gpt4oMiniTranscribe] = ["json", "text"],
            [ModelKind.Gpt4oTranscribeDiarize] = ["json", "text", "diarized_json"],
            [ModelKind.GptTranscribe] = ["json"],
            [ModelKind.Gpt4oMiniTranscribe20251215] = ["json", "text"],
        };
        foreach (var (kind, ok) in allowed)
        {
            foreach (var f in formats)
            {
                data.Add(kind, f, ok.Contains(f));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FormatMatrix))]
    public void Response_format_matrix_per_model_kind(ModelKind kind, string format, bool allowed)
    {
        using var r = Bind(("model", "m"), ("response_format", format));
        var check = () => RequestRules.EnsureSupported(r, Model(kind));
        if (allowed)
        {
            check();
        }
        else
        {
            var e = Assert.Throws<ApiException>(check);
            Assert.Equal((400, "response_format", "unsupported_value"), (e.Status, e.Param, e.Code));
        }
    }

    [Fact]
    public void Granularities_without_verbose_json_are_rejected_with_param_timestamp_granularities()
    {
        using var r = Bind(("model", "m"), ("response_format", "json"), ("timestamp_granularities", "word"));
        var e = Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.Whisper, true)));
        Assert.Equal((400, "timestamp_granularities"), (e.Status, e.Param));
    }

    [Theory]
    [InlineData(ModelKind.Whisper, false)]
    [InlineData(ModelKind.Gpt4oTranscribe, true)]
    [InlineData(ModelKind.Gpt4oMiniTranscribe, true)]
    [InlineData(ModelKind.Gpt4oTranscribeDiarize, false)]
    public void Logprobs_only_for_gpt4o_transcribe_models(ModelKind kind, bool allowed)
    {
        using var r = Bind(("model", "m"), ("include", "logprobs"));
        var check = () => RequestRules.EnsureSupported(r, Model(kind));
        if (allowed) { check(); } else { Assert.Equal("include", Assert.Throws<ApiException>(check).Param); }
    }

    [Fact]
    public void Logprobs_require_json_format()
    {
        using var r = Bind(("model", "m"), ("include", "logprobs"), ("response_format", "text"));
        Assert.Equal("include", Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.Gpt4oMiniTranscribe))).Param);
    }

    [Fact]
    public void Diarize_rejects_prompt_and_others_reject_known_speakers()
    {
        using var withPrompt = Bind(("model", "m"), ("prompt", "hi"));
        Assert.Equal("prompt", Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(withPrompt, Model(ModelKind.Gpt4oTranscribeDiarize))).Param);
        using var speakers = Bind(("model", "m"), ("known_speaker_names", "Ann"), ("known_speaker_references", "data:audio/wav;base64,AAAA"));
        RequestRules.EnsureSupported(speakers, Model(ModelKind.Gpt4oTranscribeDiarize));
        Assert.Equal("known_speaker_names", Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(speakers, Model(ModelKind.Whisper))).Param);
    }

    [Fact]
    public void More_than_four_known_speakers_is_rejected()
    {
        var fields = new List<(string, string)> { ("model", "m") };
        for (int i = 0; i < 5; i++)
        {
            fields.Add(("known_speaker_names", $"s{i}"));
            fields.Add(("known_speaker_references", "data:audio/wav;base64,AAAA"));
        }
        using var r = Bind([.. fields]);
        Assert.Equal(400, Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.Gpt4oTranscribeDiarize))).Status);
    }

    [Fact]
    public void Translation_with_gpt4o_model_is_rejected()
    {
        using var r = TranscriptionRequestBinder.Bind(Form(("model", "m")), TranscriptionTask.Translate);
        Assert.Equal("model", Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.Gpt4oTranscribe))).Param);
    }

    [Fact]
    public void Streaming_with_subtitle_format_is_rejected_on_local_engine()
    {
        using var r = Bind(("model", "m"), ("response_format", "srt"), ("stream", "true"));
        Assert.Equal("stream", Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.Whisper, true))).Param);
    }

    [Fact]
    public void Unknown_model_is_404_model_not_found()
    {
        var catalog = new ModelCatalog([Model(ModelKind.Whisper, true) with { Id = "whisper-1" }]);
        var e = Assert.Throws<ApiException>(() => catalog.Resolve("whisper-2"));
        Assert.Equal((404, "model", "model_not_found"), (e.Status, e.Param, e.Code));
    }

    [Fact]
    public void Catalog_rejects_duplicate_ids_and_unknown_fallbacks()
    {
        var m = Model(ModelKind.Whisper, true) with { Id = "a" };
        Assert.Throws<ModelCatalogException>(() => new ModelCatalog([m, m]));
        Assert.Throws<ModelCatalogException>(() => new ModelCatalog([m with { Fallbacks = ["missing"] }]));
    }

    [Theory]
    [InlineData("/models/ggml-tiny.en.bin", "whisper-tiny.en-local")]
    [InlineData("ggml-base.bin", "whisper-base-local")]
    [InlineData("/x/My Model!.bin", "whisper-my-model-local")]
    [InlineData("", null)]
    public void Descriptive_local_id_comes_from_the_model_file(string path, string? expected) =>
        Assert.Equal(expected, ModelsOptions.DescriptiveIdFor(path));

    // ----- keywords[] and languages[] (the reader has already removed the brackets) -----

    [Fact]
    public void Keywords_and_languages_bind_in_order_codes_lower_cased_and_repeats_dropped()
    {
        using var r = Bind(("model", "m"), ("keywords", "AC-42"), ("keywords", "Premium Plus"), ("languages", "EN"), ("languages", "fr"),
            ("languages", "en"));
        Assert.Equal(["AC-42", "Premium Plus"], r.Keywords);
        Assert.Equal(["en", "fr"], r.Languages);
        using var none = Bind(("model", "m"));
        Assert.Empty(none.Keywords);
        Assert.Empty(none.Languages);
    }

    [Theory]
    [InlineData("english")] // a name: language takes it, languages takes codes only
    [InlineData("haw")]     // whisper's three-letter codes are not ISO-639-1
    [InlineData("xx")]
    [InlineData("")]
    public void A_language_that_is_not_a_known_iso_639_1_code_is_400_naming_languages(string value)
    {
        var e = BindFails(TranscriptionTask.Transcribe, ("model", "m"), ("languages", "en"), ("languages", value));
        Assert.Equal((400, "languages", "invalid_value"), (e.Status, e.Param, e.Code));
    }

    [Fact]
    public void Translations_ignore_keywords_and_languages_as_they_ignore_language()
    {
        using var r = TranscriptionRequestBinder.Bind(Form(("model", "whisper-1"), ("keywords", "x"), ("languages", "zz")), TranscriptionTask.Translate);
        Assert.Empty(r.Keywords);
        Assert.Empty(r.Languages);
    }

    [Theory]
    [InlineData(ModelKind.GptTranscribe, false, true)]
    [InlineData(ModelKind.Whisper, true, true)]
    [InlineData(ModelKind.Whisper, false, false)]
    [InlineData(ModelKind.Gpt4oTranscribe, false, false)]
    [InlineData(ModelKind.Gpt4oMiniTranscribe, false, false)]
    [InlineData(ModelKind.Gpt4oMiniTranscribe20251215, false, false)]
    [InlineData(ModelKind.Gpt4oTranscribeDiarize, false, false)]
    public void Keywords_and_languages_are_taken_by_gpt_transcribe_and_the_local_engine_only(ModelKind kind, bool local, bool supported)
    {
        foreach (var field in new[] { "keywords", "languages" })
        {
            using var r = Bind(("model", "m"), (field, field == "keywords" ? "AC-42" : "fr"));
            var check = () => RequestRules.EnsureSupported(r, Model(kind, local));
            if (supported)
            {
                check();
            }
            else
            {
                var e = Assert.Throws<ApiException>(check);
                Assert.Equal((400, field, "unsupported_value"), (e.Status, e.Param, e.Code));
            }
        }
    }

    [Fact]
    public void Language_and_languages_together_are_400_naming_languages()
    {
        using var r = Bind(("model", "m"), ("language", "en"), ("languages", "en"));
        var e = Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.GptTranscribe)));
        Assert.Equal((400, "languages", "invalid_value"), (e.Status, e.Param, e.Code));
        Assert.Contains("together", e.Message);
    }

    public static TheoryData<string, string[]> BadKeywords() => new()
    {
        { "empty", [""] },
        { "blank", ["  "] },
        { "angle brackets", ["<b>bold</b>"] },
        { "line feed", ["two\nlines"] },
        { "carriage return", ["two\rlines"] },
        { "too long", [new string('k', RequestRules.MaxKeywordLength + 1)] },
        { "too many", Enumerable.Range(0, RequestRules.MaxKeywords + 1).Select(i => $"k{i}").ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadKeywords))]
    public void Keywords_outside_the_limits_are_400_naming_keywords(string why, string[] keywords)
    {
        using var r = Bind([("model", "m"), .. keywords.Select(k => ("keywords", k))]);
        var e = Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(r, Model(ModelKind.GptTranscribe)));
        Assert.True((400, "keywords") == (e.Status, e.Param), why);
    }

    [Fact]
    public void Keywords_and_languages_at_their_limits_are_accepted_and_one_more_language_is_not()
    {
        using var atLimit = Bind([("model", "m"),
            .. Enumerable.Range(0, RequestRules.MaxKeywords).Select(i => ("keywords", new string((char)('a' + i % 26), RequestRules.MaxKeywordLength))),
            .. Languages(RequestRules.MaxLanguages)]);
        RequestRules.EnsureSupported(atLimit, Model(ModelKind.GptTranscribe));
        using var over = Bind([("model", "m"), .. Languages(RequestRules.MaxLanguages + 1)]);
        var e = Assert.Throws<ApiException>(() => RequestRules.EnsureSupported(over, Model(ModelKind.Whisper, true)));
        Assert.Equal((400, "languages"), (e.Status, e.Param));

        static IEnumerable<(string, string)> Languages(int n) =>
            new[] { "en", "fr", "de", "es", "it", "nl", "pt", "pl", "sv", "da", "fi" }.Take(n).Select(l => ("languages", l));
    }

    [Fact]
    public void Gpt_transcribe_streams_answers_json_only_and_has_no_logprobs_and_the_snapshot_is_the_mini_model()
    {
        var gpt = ModelCapabilities.For(ModelKind.GptTranscribe);
        Assert.True(gpt.Streaming && gpt.Prompt && gpt.Keywords && gpt.Languages);
        Assert.False(gpt.Logprobs);
        Assert.False(gpt.CanTranslate);
        Assert.Equal([ResponseFormat.Json], gpt.TranscriptionFormats);
        var mini = ModelCapabilities.For(ModelKind.Gpt4oMiniTranscribe);
        var snapshot = ModelCapabilities.For(ModelKind.Gpt4oMiniTranscribe20251215);
        Assert.Equal(mini.TranscriptionFormats.Order(), snapshot.TranscriptionFormats.Order());
        // The sets are compared above (records compare them by reference); everything else field by field.
        Assert.Equal(mini, snapshot with { TranscriptionFormats = mini.TranscriptionFormats, TranslationFormats = mini.TranslationFormats });
        Assert.True(ModelKindNames.TryParse("gpt-transcribe", out var kind) && kind == ModelKind.GptTranscribe);
        Assert.True(ModelKindNames.TryParse("gpt-4o-mini-transcribe-2025-12-15", out kind) && kind == ModelKind.Gpt4oMiniTranscribe20251215);
    }
}
