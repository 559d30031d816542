using System.Globalization;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Api;

/// <summary>
/// Turns form fields into a <see cref="TranscriptionRequest"/>, rejecting bad values with OpenAI's
/// errors (param = the field), then checks the request against the model's capabilities, so every
/// rule is enforced before any audio is decoded or any backend is called.
/// </summary>
public static class TranscriptionRequestBinder
{
    public const int MaxKnownSpeakers = 4;

    /// <summary>Parses and validates the fields; takes ownership of the form's file.</summary>
    public static TranscriptionRequest Bind(MultipartForm form, TranscriptionTask task)
    {
        if (form.File is null)
        {
            throw ApiError.MissingField("file");
        }
        var model = form.Get("model");
        if (string.IsNullOrWhiteSpace(model))
        {
            throw ApiError.MissingField("model");
        }

        var formatText = form.Get("response_format");
        var format = ResponseFormat.Json;
        if (!string.IsNullOrEmpty(formatText) && !ResponseFormats.TryParse(formatText, out format))
        {
            throw ApiError.BadRequest(
                $"Invalid value for 'response_format': '{Clip(formatText)}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', 'vtt' and 'diarized_json'.",
                "response_format");
        }

        float temperature = 0;
        var temperatureText = form.Get("temperature");
        if (!string.IsNullOrEmpty(temperatureText)
            && (!float.TryParse(temperatureText, NumberStyles.Float, CultureInfo.InvariantCulture, out temperature)
                || !float.IsFinite(temperature) || temperature < 0 || temperature > 1))
        {
            throw ApiError.BadRequest($"Invalid 'temperature': '{Clip(temperatureText)}'. Expected a number between 0 and 1.", "temperature");
        }

        string? language = null;
        var languageText = task == TranscriptionTask.Transcribe ? form.Get("language") : null;
        if (!string.IsNullOrWhiteSpace(languageText))
        {
            language = WhisperLanguages.NormalizeToCode(languageText)
                ?? throw ApiError.BadRequest(
                    $"Invalid language '{Clip(languageText)}'. Language parameter must be specified in ISO-639-1 format.", "language");
        }

        var granularities = TimestampGranularity.None;
        foreach (var g in form.GetAll("timestamp_granularities"))
        {
            granularities |= g switch
            {
                "word" => TimestampGranularity.Word,
                "segment" => TimestampGranularity.Segment,
                _ => throw ApiError.BadRequest(
                    $"Invalid value for 'timestamp_granularities': '{Clip(g)}'. Supported values are: 'word' and 'segment'.",
                    "timestamp_granularities"),
            };
        }

        bool includeLogprobs = false;
        foreach (var inc in form.GetAll("include"))
        {
            includeLogprobs |= inc == "logprobs"
                ? true
                : throw ApiError.BadRequest($"Invalid value for 'include': '{Clip(inc)}'. Supported values are: 'logprobs'.", "include");
        }

        var streamText = form.Get("stream");
        bool stream = false;
        if (!string.IsNullOrEmpty(streamText) && !TryParseBool(streamText, out stream))
        {
            throw ApiError.BadRequest($"Invalid value for 'stream': '{Clip(streamText)}'. Expected true or false.", "stream");
        }

        var chunking = form.Get("chunking_strategy");
        if (chunking is not null && !IsValidChunkingStrategy(chunking))
        {
            throw ApiError.BadRequest(
                "Invalid 'chunking_strategy': expected \"auto\" or a JSON object {\"type\":\"server_vad\", ...}.", "chunking_strategy");
        }

        return new TranscriptionRequest
        {
            Task = task,
            File = form.TakeFile(),
            Model = model.Trim(),
            Language = language,
            Prompt = form.Get("prompt") is { Length: > 0 } p ? p : null,
            ResponseFormat = format,
            ResponseFormatGiven = !string.IsNullOrEmpty(formatText),
            Temperature = temperature,
            Granularities = granularities,
            Stream = stream,
            IncludeLogprobs = includeLogprobs,
            ChunkingStrategy = string.IsNullOrWhiteSpace(chunking) ? null : chunking.Trim(),
            KnownSpeakerNames = form.GetAll("known_speaker_names"),
            KnownSpeakerReferences = form.GetAll("known_speaker_references"),
        };
    }

    /// <summary>Checks the request against what the model supports (OPENAI-CONTRACT.md's rules).</summary>
    public static void EnsureSupported(TranscriptionRequest r, ModelEntry model)
    {
        var caps = model.Capabilities;
        if (r.Task == TranscriptionTask.Translate && !caps.CanTranslate)
        {
            throw ApiError.BadRequest($"The model '{model.Id}' does not support translations; use a whisper model.", "model", "unsupported_value");
        }
        var formats = r.Task == TranscriptionTask.Translate ? caps.TranslationFormats : caps.TranscriptionFormats;
        if (!formats.Contains(r.ResponseFormat))
        {
            var allowed = string.Join(", ", formats.Order().Select(f => $"'{f.ToWire()}'"));
            throw ApiError.UnsupportedValue("response_format",
                $"response_format '{r.ResponseFormat.ToWire()}' is not compatible with model '{model.Id}'. Use {allowed}.");
        }
        if (r.Granularities != TimestampGranularity.None)
        {
            if (!caps.TimestampGranularities)
            {
                throw ApiError.UnsupportedValue("timestamp_granularities", $"timestamp_granularities is not supported by model '{model.Id}'.");
            }
            if (r.ResponseFormat != ResponseFormat.VerboseJson)
            {
                throw new ApiError(400, "timestamp_granularities requires response_format 'verbose_json'.", ApiError.InvalidRequest,
                    "timestamp_granularities", "invalid_value");
            }
        }
        if (r.IncludeLogprobs)
        {
            if (!caps.Logprobs)
            {
                throw ApiError.UnsupportedValue("include", $"include[]=logprobs is not supported by model '{model.Id}'.");
            }
            if (r.ResponseFormat != ResponseFormat.Json)
            {
                throw ApiError.UnsupportedValue("include", "include[]=logprobs is only supported with response_format 'json'.");
            }
        }
        if (r.Prompt is not null && !caps.Prompt)
        {
            throw ApiError.UnsupportedValue("prompt", $"prompt is not supported by model '{model.Id}'.");
        }
        if (r.ChunkingStrategy is not null && !caps.ChunkingStrategy)
        {
            throw ApiError.UnsupportedValue("chunking_strategy", $"chunking_strategy is not supported by model '{model.Id}'.");
        }
        if ((r.KnownSpeakerNames.Count > 0 || r.KnownSpeakerReferences.Count > 0) && !caps.KnownSpeakers)
        {
            throw ApiError.UnsupportedValue("known_speaker_names", $"known_speaker_names/known_speaker_references are only supported by diarization models, not '{model.Id}'.");
        }
        if (r.KnownSpeakerNames.Count > MaxKnownSpeakers || r.KnownSpeakerReferences.Count > MaxKnownSpeakers)
        {
            throw ApiError.BadRequest($"At most {MaxKnownSpeakers} known speakers may be given.", "known_speaker_names");
        }
        if (r.KnownSpeakerNames.Count != r.KnownSpeakerReferences.Count)
        {
            throw ApiError.BadRequest("known_speaker_names and known_speaker_references must have the same number of entries.", "known_speaker_references");
        }
        if (r.Stream && caps.Streaming && r.ResponseFormat is not (ResponseFormat.Json or ResponseFormat.Text))
        {
            throw ApiError.UnsupportedValue("stream", $"stream=true is only supported with response_format 'json' or 'text', not '{r.ResponseFormat.ToWire()}'.");
        }
    }

    private static bool TryParseBool(string s, out bool value)
    {
        switch (s.Trim().ToLowerInvariant())
        {
            case "true" or "1":
                value = true;
                return true;
            case "false" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool IsValidChunkingStrategy(string s)
    {
        s = s.Trim();
        if (s == "auto")
        {
            return true;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(s);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String
                && t.GetString() == "server_vad";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Echoed values are clipped so an error message cannot be made huge.</summary>
    private static string Clip(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
