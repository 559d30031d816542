using System.Text;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Transcription;

/// <summary>Golden tests: each wire format byte for byte.</summary>
public class TranscriptionWriterTests
{
    private static readonly TranscriptionResult Sample = new()
    {
        Text = " Hello world. How are you?",
        Language = "en",
        Duration = 12.345,
        Segments =
        [
            new TranscriptSegment
            {
                Id = 0, Seek = 0, Start = 0, End = 2.5, Text = " Hello world.", Tokens = [50364, 2425, 1002, 13],
                Temperature = 0, AvgLogprob = -0.25, CompressionRatio = 1.2, NoSpeechProb = 0.01,
                Words = [new("Hello", 0, 0.4), new("world.", 0.4, 2.5)],
            },
            new TranscriptSegment
            {
                Id = 1, Seek = 250, Start = 2.5, End = 3661.0015, Text = " How are you?", Tokens = [1012, 366, 291, 30],
                Temperature = 0.2, AvgLogprob = -0.5, CompressionRatio = 0.9, NoSpeechProb = 0.1,
                Words = [new("How", 2.5, 2.8), new("are", 2.8, 3.0), new("you?", 3.0, 3661.0015)],
            },
        ],
    };

    private static string Render(ResponseFormat f, TranscriptionRequest? r = null) =>
        Encoding.UTF8.GetString(TranscriptionWriter.Render(Sample, f, r));

    [Fact]
    public void Json_has_trimmed_text_and_duration_usage_rounded_up()
    {
        Assert.Equal("""{"text":"Hello world. How are you?","usage":{"type":"duration","seconds":13}}""", Render(ResponseFormat.Json));
    }

    [Fact]
    public void Text_is_the_bare_transcript_ending_in_a_newline()
    {
        Assert.Equal("Hello world. How are you?\n", Render(ResponseFormat.Text));
    }

    [Fact]
    public void Srt_numbers_cues_from_one_with_comma_milliseconds()
    {
        Assert.Equal("1\n00:00:00,000 --> 00:00:02,500\nHello world.\n\n2\n00:00:02,500 --> 01:01:01,002\nHow are you?\n\n",
            Render(ResponseFormat.Srt));
    }

    [Fact]
    public void Vtt_starts_with_header_and_uses_dot_milliseconds()
    {
        Assert.Equal("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello world.\n\n00:00:02.500 --> 01:01:01.002\nHow are you?\n\n",
            Render(ResponseFormat.Vtt));
    }

    [Fact]
    public void Verbose_json_default_has_segments_full_language_name_and_no_words()
    {
        const string expected = """{"task":"transcribe","language":"english","duration":12.345,"text":"Hello world. How are you?","segments":[{"id":0,"seek":0,"start":0.0,"end":2.5,"text":" Hello world.","tokens":[50364,2425,1002,13],"temperature":0.0,"avg_logprob":-0.25,"compression_ratio":1.2,"no_speech_prob":0.01},{"id":1,"seek":250,"start":2.5,"end":3661.0015,"text":" How are you?","tokens":[1012,366,291,30],"temperature":0.2,"avg_logprob":-0.5,"compression_ratio":0.9,"no_speech_prob":0.1}],"usage":{"type":"duration","seconds":13}}""";
        Assert.Equal(expected, Render(ResponseFormat.VerboseJson));
    }

    [Fact]
    public void Verbose_json_with_word_granularity_only_has_words_and_no_segments()
    {
        using var req = RequestWith(TimestampGranularity.Word);
        var json = Render(ResponseFormat.VerboseJson, req);
        Assert.DoesNotContain("\"segments\"", json);
        Assert.Contains("""
"words":[{"word":"Hello","start":0.0,"end":0.4},{"word":"world.","start":0.4,"end":2.5},{"word":"How","start":2.5,"end":2.8},{"word":"are","start":2.8,"end":3.0},{"word":"you?","start":3.0,"end":3661.0015}]
""".Trim(), json);
    }

    [Fact]
    public void Verbose_json_with_both_granularities_has_segments_and_words()
    {
        using var req = RequestWith(TimestampGranularity.Word | TimestampGranularity.Segment);
        var json = Render(ResponseFormat.VerboseJson, req);
        Assert.Contains("\"segments\":[", json);
        Assert.Contains("\"words\":[", json);
        Assert.True(json.IndexOf("\"segments\"", StringComparison.Ordinal) < json.IndexOf("\"words\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Translation_verbose_json_reports_translate_task_and_english()
    {
        var json = Encoding.UTF8.GetString(TranscriptionWriter.Render(Sample with { Task = TranscriptionTask.Translate, Language = "de" }, ResponseFormat.VerboseJson));
        Assert.StartsWith("""{"task":"translate","language":"english",""", json);
    }

    [Fact]
    public void Verbose_json_reports_detected_language_by_full_name()
    {
        var json = Encoding.UTF8.GetString(TranscriptionWriter.Render(Sample with { Language = "de" }, ResponseFormat.VerboseJson));
        Assert.Contains("\"language\":\"german\"", json);
    }

    [Fact]
    public void Non_ascii_text_is_written_as_utf8_and_quotes_are_escaped()
    {
        var r = Sample with { Text = " Grüße \"quoted\" \n line" };
        Assert.Equal("{\"text\":\"Grüße \\\"quoted\\\" \\n line\",\"usage\":{\"type\":\"duration\",\"seconds\":13}}",
            Encoding.UTF8.GetString(TranscriptionWriter.Render(r, ResponseFormat.Json)));
    }

    [Fact]
    public void Token_usage_and_logprobs_render_in_openai_shape()
    {
        var r = Sample with
        {
            Usage = new TokenUsage(100, 20, 120, 90, 10),
            Logprobs = [new TokenLogprob("Hello", -0.01, [72, 101])],
        };
        using var req = RequestWith(TimestampGranularity.None, includeLogprobs: true);
        Assert.Equal("""{"text":"Hello world. How are you?","logprobs":[{"token":"Hello","logprob":-0.01,"bytes":[72,101]}],"usage":{"type":"tokens","input_tokens":100,"output_tokens":20,"total_tokens":120,"input_token_details":{"audio_tokens":90,"text_tokens":10}}}""",
            Encoding.UTF8.GetString(TranscriptionWriter.Render(r, ResponseFormat.Json, req)));
    }

    [Fact]
    public void Diarized_json_lists_typed_segments_with_speakers()
    {
        var r = Sample with { Segments = [Sample.Segments[0] with { Speaker = "B" }] };
        Assert.Equal("""{"task":"transcribe","duration":12.345,"text":"Hello world. How are you?","segments":[{"type":"transcript.text.segment","id":"seg_0","start":0.0,"end":2.5,"speaker":"B","text":"Hello world."}],"usage":{"type":"duration","seconds":13}}""",
            Encoding.UTF8.GetString(TranscriptionWriter.Render(r, ResponseFormat.DiarizedJson)));
    }

    [Fact]
    public void Stream_events_are_sse_data_lines()
    {
        Assert.Equal("data: {\"type\":\"transcript.text.delta\",\"delta\":\" Hello\"}\n\n", Encoding.UTF8.GetString(TranscriptionWriter.DeltaEvent(" Hello")));
        Assert.Equal("data: {\"type\":\"transcript.text.done\",\"text\":\"Hello world. How are you?\",\"usage\":{\"type\":\"duration\",\"seconds\":13}}\n\n",
            Encoding.UTF8.GetString(TranscriptionWriter.DoneEvent(Sample)));
        Assert.Equal("data: [DONE]\n\n", Encoding.UTF8.GetString(TranscriptionWriter.DoneSentinel));
    }

    [Fact]
    public void Error_envelope_has_message_type_param_and_code()
    {
        Assert.Equal("""{"error":{"message":"The model 'nope' does not exist or you do not have access to it.","type":"invalid_request_error","param":"model","code":"model_not_found"}}""",
            Encoding.UTF8.GetString(ErrorEnvelope.Render(ApiException.ModelNotFound("nope"))));
        Assert.Contains("\"param\":null,\"code\":\"invalid_api_key\"", Encoding.UTF8.GetString(ErrorEnvelope.Render(ApiException.InvalidApiKey())));
    }

    [Theory]
    [InlineData(0, "00:00:00,000")]
    [InlineData(1.0005, "00:00:01,001")]
    [InlineData(59.9996, "00:01:00,000")]
    [InlineData(36000, "10:00:00,000")]
    [InlineData(-3, "00:00:00,000")]
    public void Timestamps_round_to_the_millisecond(double seconds, string expected) =>
        Assert.Equal(expected, TranscriptionWriter.Timestamp(seconds, ','));

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(2.5, "2.5")]
    [InlineData(1.23456789, "1.234568")]
    [InlineData(double.NaN, "0.0")]
    [InlineData(-1e-9, "0.0")]
    public void Floats_always_carry_a_decimal_point(double value, string expected) =>
        Assert.Equal(expected, TranscriptionWriter.FormatFloat(value));

    internal static TranscriptionRequest RequestWith(TimestampGranularity g, bool includeLogprobs = false) => new()
    {
        Task = TranscriptionTask.Transcribe,
        File = Core.Transcription.AudioUpload.FromBytes("a.wav", [1, 2, 3]),
        Model = "whisper-1",
        ResponseFormat = ResponseFormat.VerboseJson,
        Granularities = g,
        IncludeLogprobs = includeLogprobs,
    };

    [Fact]
    public void Detected_languages_are_written_in_json_and_the_done_event_only_when_the_result_has_them()
    {
        var detected = Sample with { Languages = ["fr"] };
        Assert.Equal("""{"text":"Hello world. How are you?","languages":[{"code":"fr"}],"usage":{"type":"duration","seconds":13}}""",
            Encoding.UTF8.GetString(TranscriptionWriter.Render(detected, ResponseFormat.Json)));
        Assert.Equal("""data: {"type":"transcript.text.done","text":"Hello world. How are you?","languages":[{"code":"fr"}],"usage":{"type":"duration","seconds":13}}""" + "\n\n",
            Encoding.UTF8.GetString(TranscriptionWriter.DoneEvent(detected)));
        // gpt-transcribe's "nothing reliable": an empty array, not a missing field.
        Assert.Contains("\"languages\":[],", Encoding.UTF8.GetString(TranscriptionWriter.Render(Sample with { Languages = [] }, ResponseFormat.Json)));
        Assert.DoesNotContain("languages", Render(ResponseFormat.Json));
        Assert.DoesNotContain("languages", Encoding.UTF8.GetString(TranscriptionWriter.Render(detected, ResponseFormat.VerboseJson)));
    }
}
