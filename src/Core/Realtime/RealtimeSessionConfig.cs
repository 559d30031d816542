using System.Text.Json;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// The effective configuration of a transcription session, changed by session.update (GA shape) or
/// transcription_session.update (the older beta shape). Only the fields an update names change.
/// </summary>
public sealed record RealtimeSessionConfig
{
    public required string Model { get; init; }
    public string? Language { get; init; }
    public string Prompt { get; init; } = "";
    public IReadOnlyList<string> Languages { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public RealtimeAudioFormat Format { get; init; } = RealtimeAudioFormat.Pcm24k;

    /// <summary>Server VAD (the default, as at OpenAI), or null: the client commits.</summary>
    public TurnDetection? TurnDetection { get; init; } = new();

    /// <summary>near_field or far_field as sent, or null. Accepted and answered, not applied: no noise reduction runs here.</summary>
    public string? NoiseReduction { get; init; }

    /// <summary>include: ["item.input_audio_transcription.logprobs"].</summary>
    public bool IncludeLogprobs { get; init; }

    public const string LogprobsInclude = "item.input_audio_transcription.logprobs";

    /// <summary>Samples per second of <see cref="Format"/>.</summary>
    public int SampleRate => Format == RealtimeAudioFormat.Pcm24k ? 24_000 : 8_000;

    /// <summary>Bytes per sample as appended.</summary>
    public int BytesPerSample => Format == RealtimeAudioFormat.Pcm24k ? 2 : 1;

    /// <summary>This configuration with a GA session.update's <c>session</c> applied.</summary>
    public RealtimeSessionConfig Apply(JsonElement session)
    {
        Expect(session, JsonValueKind.Object, "session");
        var config = this;
        if (session.TryGetProperty("type", out var type) && type.ValueKind != JsonValueKind.Null && type.GetString() != "transcription")
        {
            throw new RealtimeEventException($"This endpoint serves transcription sessions; session.type '{Text(type)}' is not supported.", "session.type", "unsupported_value");
        }
        if (session.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
        {
            Expect(audio, JsonValueKind.Object, "session.audio");
            if (audio.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null)
            {
                Expect(input, JsonValueKind.Object, "session.audio.input");
                if (input.TryGetProperty("format", out var format) && format.ValueKind != JsonValueKind.Null)
                {
                    config = config with { Format = GaFormat(format) };
                }
                if (input.TryGetProperty("transcription", out var transcription) && transcription.ValueKind != JsonValueKind.Null)
                {
                    config = config.WithTranscription(transcription, "session.audio.input.transcription");
                }
                if (input.TryGetProperty("noise_reduction", out var noise))
                {
                    config = config with { NoiseReduction = NoiseReductionOf(noise, "session.audio.input.noise_reduction") };
                }
                if (input.TryGetProperty("turn_detection", out var turns))
                {
                    config = config with { TurnDetection = TurnDetectionOf(turns, "session.audio.input.turn_detection") };
                }
            }
        }
        return config.WithInclude(session);
    }

    /// <summary>This configuration with a beta transcription_session.update's <c>session</c> applied.</summary>
    public RealtimeSessionConfig ApplyBeta(JsonElement session)
    {
        Expect(session, JsonValueKind.Object, "session");
        var config = this;
        if (session.TryGetProperty("input_audio_format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            config = config with
            {
                Format = Text(format, "session.input_audio_format") switch
                {
                    "pcm16" => RealtimeAudioFormat.Pcm24k,
                    "g711_ulaw" => RealtimeAudioFormat.Pcmu,
                    "g711_alaw" => RealtimeAudioFormat.Pcma,
                    var other => throw new RealtimeEventException(
                        $"input_audio_format '{other}' is not supported; use pcm16, g711_ulaw or g711_alaw.", "session.input_audio_format", "unsupported_value"),
                },
            };
        }
        if (session.TryGetProperty("input_audio_transcription", out var transcription) && transcription.ValueKind != JsonValueKind.Null)
        {
            config = config.WithTranscription(transcription, "session.input_audio_transcription");
        }
        if (session.TryGetProperty("input_audio_noise_reduction", out var noise))
        {
            config = config with { NoiseReduction = NoiseReductionOf(noise, "session.input_audio_noise_reduction") };
        }
        if (session.TryGetProperty("turn_detection", out var turns))
        {
            config = config with { TurnDetection = TurnDetectionOf(turns, "session.turn_detection") };
        }
        return config.WithInclude(session);
    }

    /// <summary>The GA session object (session.created, session.updated).</summary>
    public void WriteGa(Utf8JsonWriter w, string id, long expiresAt)
    {
        w.WriteStartObject("session");
        w.WriteString("type", "transcription");
        w.WriteString("object", "realtime.transcription_session");
        w.WriteString("id", id);
        w.WriteNumber("expires_at", expiresAt);
        w.WriteStartObject("audio");
        w.WriteStartObject("input");
        w.WriteStartObject("format");
        w.WriteString("type", Format switch { RealtimeAudioFormat.Pcmu => "audio/pcmu", RealtimeAudioFormat.Pcma => "audio/pcma", _ => "audio/pcm" });
        if (Format == RealtimeAudioFormat.Pcm24k)
        {
            w.WriteNumber("rate", 24_000);
        }
        w.WriteEndObject();
        WriteTranscription(w);
        WriteNoiseReduction(w, "noise_reduction");
        WriteTurnDetection(w);
        w.WriteEndObject();
        w.WriteEndObject();
        WriteInclude(w);
        w.WriteEndObject();
    }

    /// <summary>The beta session object (transcription_session.updated).</summary>
    public void WriteBeta(Utf8JsonWriter w, string id, long expiresAt)
    {
        w.WriteStartObject("session");
        WriteBetaFields(w, id, expiresAt);
        w.WriteEndObject();
    }

    /// <summary>The beta session object's fields, into the object being written (the beta transcription_sessions answer adds its secret beside them).</summary>
    public void WriteBetaFields(Utf8JsonWriter w, string id, long expiresAt)
    {
        w.WriteString("id", id);
        w.WriteString("object", "realtime.transcription_session");
        w.WriteNumber("expires_at", expiresAt);
        w.WriteString("input_audio_format", Format switch { RealtimeAudioFormat.Pcmu => "g711_ulaw", RealtimeAudioFormat.Pcma => "g711_alaw", _ => "pcm16" });
        w.WritePropertyName("input_audio_transcription");
        WriteTranscriptionObject(w);
        WriteTurnDetection(w);
        WriteNoiseReduction(w, "input_audio_noise_reduction");
        WriteInclude(w);
    }

    private void WriteTranscription(Utf8JsonWriter w)
    {
        w.WritePropertyName("transcription");
        WriteTranscriptionObject(w);
    }

    private void WriteTranscriptionObject(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("model", Model);
        if (Language is null) { w.WriteNull("language"); } else { w.WriteString("language", Language); }
        w.WriteString("prompt", Prompt);
        if (Languages.Count > 0)
        {
            WriteStrings(w, "languages", Languages);
        }
        if (Keywords.Count > 0)
        {
            WriteStrings(w, "keywords", Keywords);
        }
        w.WriteEndObject();
    }

    private void WriteNoiseReduction(Utf8JsonWriter w, string name)
    {
        if (NoiseReduction is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("type", NoiseReduction);
        w.WriteEndObject();
    }

    private void WriteTurnDetection(Utf8JsonWriter w)
    {
        if (TurnDetection is not { } t)
        {
            w.WriteNull("turn_detection");
            return;
        }
        w.WriteStartObject("turn_detection");
        w.WriteString("type", t.Type);
        if (t.Eagerness is not null)
        {
            w.WriteString("eagerness", t.Eagerness);
        }
        w.WriteNumber("threshold", Math.Round(t.Threshold, 3));
        w.WriteNumber("prefix_padding_ms", t.PrefixPaddingMs);
        w.WriteNumber("silence_duration_ms", t.SilenceDurationMs);
        if (t.IdleTimeoutMs is { } idle) { w.WriteNumber("idle_timeout_ms", idle); } else { w.WriteNull("idle_timeout_ms"); }
        w.WriteEndObject();
    }

    private void WriteInclude(Utf8JsonWriter w)
    {
        WriteStrings(w, "include", IncludeLogprobs ? [LogprobsInclude] : []);
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private RealtimeSessionConfig WithTranscription(JsonElement t, string param)
    {
        Expect(t, JsonValueKind.Object, param);
        var config = this;
        if (t.TryGetProperty("model", out var model) && model.ValueKind != JsonValueKind.Null)
        {
            var id = Text(model, $"{param}.model");
            config = config with { Model = id.Length > 0 ? id : throw new RealtimeEventException("The transcription model must not be empty.", $"{param}.model") };
        }
        if (t.TryGetProperty("language", out var language))
        {
            var text = language.ValueKind == JsonValueKind.Null ? null : NonEmptyOrNull(Text(language, $"{param}.language"));
            config = config with { Language = text is null ? null : WhisperLanguages.ParseLanguage(text, $"{param}.language") };
        }
        if (t.TryGetProperty("prompt", out var prompt))
        {
            config = config with { Prompt = prompt.ValueKind == JsonValueKind.Null ? "" : Text(prompt, $"{param}.prompt") };
        }
        if (t.TryGetProperty("languages", out var languages))
        {
            config = config with { Languages = WhisperLanguages.ParseLanguages(Strings(languages, $"{param}.languages"), $"{param}.languages") };
        }
        if (t.TryGetProperty("keywords", out var keywords))
        {
            config = config with { Keywords = Strings(keywords, $"{param}.keywords") };
        }
        if (t.TryGetProperty("delay", out var delay) && delay.ValueKind is not (JsonValueKind.Null or JsonValueKind.String or JsonValueKind.Number))
        {
            throw new RealtimeEventException("delay must be a string or a number.", $"{param}.delay", "invalid_type");
        }
        return config;
    }

    private RealtimeSessionConfig WithInclude(JsonElement session)
    {
        if (!session.TryGetProperty("include", out var include) || include.ValueKind == JsonValueKind.Null)
        {
            return this;
        }
        var items = Strings(include, "session.include");
        foreach (var item in items)
        {
            if (item != LogprobsInclude)
            {
                throw new RealtimeEventException($"include '{item}' is not supported; the only value is '{LogprobsInclude}'.", "session.include", "unsupported_value");
            }
        }
        return this with { IncludeLogprobs = items.Count > 0 };
    }

    private static RealtimeAudioFormat GaFormat(JsonElement format)
    {
        Expect(format, JsonValueKind.Object, "session.audio.input.format");
        var type = format.TryGetProperty("type", out var t) ? Text(t, "session.audio.input.format.type") : "audio/pcm";
        switch (type)
        {
            case "audio/pcm":
                if (format.TryGetProperty("rate", out var rate) && rate.ValueKind != JsonValueKind.Null
                    && !(rate.ValueKind == JsonValueKind.Number && rate.TryGetInt32(out var r) && r == 24_000))
                {
                    throw new RealtimeEventException("audio/pcm is 24 kHz: rate must be 24000.", "session.audio.input.format.rate", "unsupported_value");
                }
                return RealtimeAudioFormat.Pcm24k;
            case "audio/pcmu":
                return RealtimeAudioFormat.Pcmu;
            case "audio/pcma":
                return RealtimeAudioFormat.Pcma;
            default:
                throw new RealtimeEventException($"Audio format '{type}' is not supported; use audio/pcm (24 kHz), audio/pcmu or audio/pcma.",
                    "session.audio.input.format.type", "unsupported_value");
        }
    }

    private static string? NoiseReductionOf(JsonElement noise, string param)
    {
        if (noise.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Expect(noise, JsonValueKind.Object, param);
        var type = noise.TryGetProperty("type", out var t) ? Text(t, $"{param}.type") : "";
        return type is "near_field" or "far_field" ? type
            : throw new RealtimeEventException($"noise_reduction type '{type}' is not supported; use near_field or far_field.", $"{param}.type", "unsupported_value");
    }

    private TurnDetection? TurnDetectionOf(JsonElement turns, string param)
    {
        if (turns.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Expect(turns, JsonValueKind.Object, param);
        var type = turns.TryGetProperty("type", out var t) ? Text(t, $"{param}.type") : "server_vad";
        var detection = type switch
        {
            "server_vad" => TurnDetection?.Type == "server_vad" ? TurnDetection : new TurnDetection(),
            "semantic_vad" => Realtime.TurnDetection.Semantic(turns.TryGetProperty("eagerness", out var e) ? Eagerness(e, $"{param}.eagerness") : null),
            _ => throw new RealtimeEventException($"turn_detection type '{type}' is not supported; use server_vad, semantic_vad or null.", $"{param}.type", "unsupported_value"),
        };
        if (turns.TryGetProperty("threshold", out var threshold) && threshold.ValueKind != JsonValueKind.Null)
        {
            detection = detection with { Threshold = (float)Number(threshold, $"{param}.threshold", 0, 1) };
        }
        if (turns.TryGetProperty("prefix_padding_ms", out var prefix) && prefix.ValueKind != JsonValueKind.Null)
        {
            detection = detection with { PrefixPaddingMs = (int)Number(prefix, $"{param}.prefix_padding_ms", 0, 10_000) };
        }
        if (turns.TryGetProperty("silence_duration_ms", out var silence) && silence.ValueKind != JsonValueKind.Null)
        {
            detection = detection with { SilenceDurationMs = (int)Number(silence, $"{param}.silence_duration_ms", 0, 10_000) };
        }
        if (turns.TryGetProperty("idle_timeout_ms", out var idle))
        {
            detection = detection with { IdleTimeoutMs = idle.ValueKind == JsonValueKind.Null ? null : (int)Number(idle, $"{param}.idle_timeout_ms", 1000, 3_600_000) };
        }
        return detection;
    }

    private static string Eagerness(JsonElement e, string param)
    {
        var value = Text(e, param);
        return value is "low" or "medium" or "high" or "auto" ? value
            : throw new RealtimeEventException($"eagerness '{value}' is not supported; use low, medium, high or auto.", param, "unsupported_value");
    }

    private static void Expect(JsonElement e, JsonValueKind kind, string param)
    {
        if (e.ValueKind != kind)
        {
            throw new RealtimeEventException($"{param} must be {(kind == JsonValueKind.Object ? "an object" : kind.ToString().ToLowerInvariant())}.", param, "invalid_type");
        }
    }

    private static string Text(JsonElement e, string param) => e.ValueKind == JsonValueKind.String ? e.GetString()!
        : throw new RealtimeEventException($"{param} must be a string.", param, "invalid_type");

    private static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private static string? NonEmptyOrNull(string s) => s.Length == 0 ? null : s;

    private static double Number(JsonElement e, string param, double min, double max)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var value))
        {
            throw new RealtimeEventException($"{param} must be a number.", param, "invalid_type");
        }
        return value >= min && value <= max ? value
            : throw new RealtimeEventException($"{param} must be between {min} and {max} (got {value}).", param);
    }

    private static IReadOnlyList<string> Strings(JsonElement e, string param)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new RealtimeEventException($"{param} must be an array of strings.", param, "invalid_type");
        }
        var list = new List<string>();
        foreach (var item in e.EnumerateArray())
        {
            list.Add(Text(item, param));
        }
        return list;
    }
}
