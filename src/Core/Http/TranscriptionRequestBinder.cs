using System.Globalization;
using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// Turns form fields into a <see cref="TranscriptionRequest"/>, rejecting bad values with OpenAI's
/// errors (param = the field). What the chosen model supports is checked next, by <see cref="RequestRules"/>
/// in the router, before any audio is decoded or any backend is called.
/// </summary>
public static class TranscriptionRequestBinder
{
    /// <summary>Parses and validates the fields; takes ownership of the form's file.</summary>
    public static TranscriptionRequest Bind(MultipartForm form, TranscriptionTask task)
    {
        if (form.File is null)
        {
            throw ApiException.MissingField("file");
        }
        var model = form.Get("model");
        if (string.IsNullOrWhiteSpace(model))
        {
            throw ApiException.MissingField("model");
        }

        var formatText = form.Get("response_format");
        var format = ResponseFormat.Json;
        if (!string.IsNullOrEmpty(formatText) && !ResponseFormats.TryParse(formatText, out format))
        {
            throw ApiException.BadRequest(
                $"Invalid value for 'response_format': '{ApiException.Clip(formatText)}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', 'vtt' and 'diarized_json'.",
                "response_format");
        }

        float temperature = 0;
        var temperatureText = form.Get("temperature");
        if (!string.IsNullOrEmpty(temperatureText)
            && (!float.TryParse(temperatureText, NumberStyles.Float, CultureInfo.InvariantCulture, out temperature)
                || !float.IsFinite(temperature) || temperature < 0 || temperature > 1))
        {
            throw ApiException.BadRequest($"Invalid 'temperature': '{ApiException.Clip(temperatureText)}'. Expected a number between 0 and 1.", "temperature");
        }

        string? language = null;
        var languageText = task == TranscriptionTask.Transcribe ? form.Get("language") : null;
        if (!string.IsNullOrWhiteSpace(languageText))
        {
            language = WhisperLanguages.ParseLanguage(languageText);
        }

        // Whether the model takes languages[] at all is RequestRules' call.
        var languages = task == TranscriptionTask.Transcribe ? WhisperLanguages.ParseLanguages(form.GetAll("languages")) : [];

        var granularities = TimestampGranularity.None;
        foreach (var g in form.GetAll("timestamp_granularities"))
        {
            granularities |= g switch
            {
                "word" => TimestampGranularity.Word,
                "segment" => TimestampGranularity.Segment,
                _ => throw ApiException.BadRequest(
                    $"Invalid value for 'timestamp_granularities': '{ApiException.Clip(g)}'. Supported values are: 'word' and 'segment'.",
                    "timestamp_granularities"),
            };
        }

        bool includeLogprobs = false;
        foreach (var inc in form.GetAll("include"))
        {
            includeLogprobs |= inc == "logprobs"
                ? true
                : throw ApiException.BadRequest($"Invalid value for 'include': '{ApiException.Clip(inc)}'. Supported values are: 'logprobs'.", "include");
        }

        var streamText = form.Get("stream");
        bool stream = false;
        if (!string.IsNullOrEmpty(streamText) && !TryParseBool(streamText, out stream))
        {
            throw ApiException.BadRequest($"Invalid value for 'stream': '{ApiException.Clip(streamText)}'. Expected true or false.", "stream");
        }

        var chunking = form.Get("chunking_strategy");
        if (chunking is not null && !IsValidChunkingStrategy(chunking))
        {
            throw ApiException.BadRequest(
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
            Keywords = task == TranscriptionTask.Transcribe ? form.GetAll("keywords") : [],
            Languages = languages,
        };
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
}
