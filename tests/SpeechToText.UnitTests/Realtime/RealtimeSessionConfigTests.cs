using System.Buffers;
using System.Text.Json;
using SpeechToText.Core.Realtime;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Realtime;

public class RealtimeSessionConfigTests
{
    private static readonly RealtimeSessionConfig Default = new() { Model = "whisper-1" };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonElement Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("session").Clone();
    }

    [Fact]
    public void A_GA_update_changes_only_the_fields_it_names()
    {
        var first = Default.Apply(Json("""{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcmu"},"transcription":{"model":"gpt-transcribe","language":"en","prompt":"names"}}}}"""));
        Assert.Equal(RealtimeAudioFormat.Pcmu, first.Format);
        Assert.Equal(8000, first.SampleRate);
        Assert.Equal(("gpt-transcribe", "en", "names"), (first.Model, first.Language, first.Prompt));
        Assert.Equal(new TurnDetection(), first.TurnDetection);
        var second = first.Apply(Json("""{"audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":800}}}}"""));
        Assert.Equal(800, second.TurnDetection!.SilenceDurationMs);
        Assert.Equal(("gpt-transcribe", RealtimeAudioFormat.Pcmu), (second.Model, second.Format));
        Assert.Null(second.Apply(Json("""{"audio":{"input":{"turn_detection":null}}}""")).TurnDetection);
    }

    [Fact]
    public void The_beta_shape_maps_onto_the_same_configuration()
    {
        var config = Default.ApplyBeta(Json("""{"input_audio_format":"g711_alaw","input_audio_transcription":{"model":"whisper-1","language":"english"},"turn_detection":{"type":"semantic_vad","eagerness":"low"},"input_audio_noise_reduction":{"type":"far_field"},"include":["item.input_audio_transcription.logprobs"]}"""));
        Assert.Equal(RealtimeAudioFormat.Pcma, config.Format);
        Assert.Equal("en", config.Language);
        Assert.Equal(1000, config.TurnDetection!.SilenceDurationMs);
        Assert.Equal("far_field", config.NoiseReduction);
        Assert.True(config.IncludeLogprobs);
        var beta = Written(w => config.WriteBeta(w, "sess_1", 0));
        Assert.Equal("g711_alaw", beta.GetProperty("input_audio_format").GetString());
        Assert.Equal("semantic_vad", beta.GetProperty("turn_detection").GetProperty("type").GetString());
        Assert.Equal("low", beta.GetProperty("turn_detection").GetProperty("eagerness").GetString());
        var ga = Written(w => config.WriteGa(w, "sess_1", 0));
        Assert.Equal("audio/pcma", ga.GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("type").GetString());
        Assert.False(ga.GetProperty("audio").GetProperty("input").GetProperty("format").TryGetProperty("rate", out _));
        Assert.Equal(["item.input_audio_transcription.logprobs"], ga.GetProperty("include").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("""{"type":"realtime"}""", "session.type")]
    [InlineData("""{"audio":{"input":{"format":{"type":"audio/pcm","rate":48000}}}}""", "session.audio.input.format.rate")]
    [InlineData("""{"audio":{"input":{"format":"pcm16"}}}""", "session.audio.input.format")]
    [InlineData("""{"audio":{"input":{"turn_detection":{"threshold":1.5}}}}""", "session.audio.input.turn_detection.threshold")]
    [InlineData("""{"audio":{"input":{"turn_detection":{"type":"push_to_talk"}}}}""", "session.audio.input.turn_detection.type")]
    [InlineData("""{"audio":{"input":{"noise_reduction":{"type":"studio"}}}}""", "session.audio.input.noise_reduction.type")]
    [InlineData("""{"audio":{"input":{"transcription":{"model":""}}}}""", "session.audio.input.transcription.model")]
    [InlineData("""{"audio":{"input":{"transcription":{"keywords":"one"}}}}""", "session.audio.input.transcription.keywords")]
    [InlineData("""{"include":["item.input_audio_transcription.raw"]}""", "session.include")]
    public void A_bad_field_is_refused_naming_its_path(string session, string param)
    {
        var e = Assert.Throws<RealtimeEventException>(() => Default.Apply(Json(session)));
        Assert.Equal(param, e.Param);
    }

    [Fact]
    public void Languages_are_checked_like_the_file_endpoint_checks_them()
    {
        var config = Default.Apply(Json("""{"audio":{"input":{"transcription":{"languages":["EN","fr","en"]}}}}"""));
        Assert.Equal(["en", "fr"], config.Languages);
        var e = Assert.Throws<ApiException>(() => Default.Apply(Json("""{"audio":{"input":{"transcription":{"languages":["english"]}}}}""")));
        Assert.Equal("session.audio.input.transcription.languages", e.Param);
        Assert.Throws<ApiException>(() => Default.Apply(Json("""{"audio":{"input":{"transcription":{"language":"klingon"}}}}""")));
    }
}
