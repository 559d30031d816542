using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Models;

/// <summary>
/// What a request may ask of a model (OPENAI-CONTRACT.md's rules): the one place the file endpoint, fallbacks and
/// the blob pipeline check a request's options against a model's capabilities.
/// </summary>
public static class RequestRules
{
    /// <summary>known_speaker_names / known_speaker_references: at most this many entries (OpenAI's limit).</summary>
    public const int MaxKnownSpeakers = 4;

    /// <summary>keywords[]: at most this many terms. Ours: OpenAI publishes no number; the local engine's prompt
    /// budget (<c>WhisperPrompt</c>) holds far fewer, so a longer list would only be dropped silently.</summary>
    public const int MaxKeywords = 50;

    /// <summary>keywords[]: at most this many characters per term (a name or a phrase, not a paragraph: that is prompt's job).</summary>
    public const int MaxKeywordLength = 100;

    /// <summary>languages[]: at most this many candidates (beyond a few, the hint says little more than detection does).</summary>
    public const int MaxLanguages = 10;

    /// <summary>The diarizing model needs a chunking_strategy above this length.</summary>
    public const double DiarizeChunkingThresholdSeconds = 30;

    /// <summary>Checks the decoded audio's length against the model: its maximum, and diarization's chunking rule.</summary>
    public static void EnsureAudioFits(TranscriptionOptions r, ModelEntry model, double seconds)
    {
        if (model.Capabilities.MaxAudioSeconds is { } max && seconds > max)
        {
            throw ApiException.BadRequest($"Audio is {seconds:0.#} s long; model '{model.Id}' accepts at most {max:0} s.", "file", "audio_too_long");
        }
        if (model.Kind == ModelKind.Gpt4oTranscribeDiarize && seconds > DiarizeChunkingThresholdSeconds && r.ChunkingStrategy is null)
        {
            throw ApiException.BadRequest(
                $"chunking_strategy is required for audio longer than {DiarizeChunkingThresholdSeconds:0} s with model '{model.Id}' (use \"auto\").",
                "chunking_strategy", "missing_required_parameter");
        }
    }

    /// <summary>Checks the request against what the model supports (OPENAI-CONTRACT.md's rules).</summary>
    public static void EnsureSupported(TranscriptionOptions r, ModelEntry model)
    {
        var caps = model.Capabilities;
        if (r.Task == TranscriptionTask.Translate && !caps.CanTranslate)
        {
            throw ApiException.BadRequest($"The model '{model.Id}' does not support translations; use a whisper model.", "model", "unsupported_value");
        }
        var formats = r.Task == TranscriptionTask.Translate ? caps.TranslationFormats : caps.TranscriptionFormats;
        if (!formats.Contains(r.ResponseFormat))
        {
            var allowed = string.Join(", ", formats.Order().Select(f => $"'{f.ToWire()}'"));
            throw ApiException.UnsupportedValue("response_format",
                $"response_format '{r.ResponseFormat.ToWire()}' is not compatible with model '{model.Id}'. Use {allowed}.");
        }
        if (r.Granularities != TimestampGranularity.None)
        {
            if (!caps.TimestampGranularities)
            {
                throw ApiException.UnsupportedValue("timestamp_granularities", $"timestamp_granularities is not supported by model '{model.Id}'.");
            }
            if (r.ResponseFormat != ResponseFormat.VerboseJson)
            {
                throw ApiException.BadRequest("timestamp_granularities requires response_format 'verbose_json'.",
                    "timestamp_granularities", "invalid_value");
            }
        }
        if (r.IncludeLogprobs)
        {
            if (!caps.Logprobs)
            {
                throw ApiException.UnsupportedValue("include", $"include[]=logprobs is not supported by model '{model.Id}'.");
            }
            if (r.ResponseFormat != ResponseFormat.Json)
            {
                throw ApiException.UnsupportedValue("include", "include[]=logprobs is only supported with response_format 'json'.");
            }
        }
        if (r.Prompt is not null && !caps.Prompt)
        {
            throw ApiException.UnsupportedValue("prompt", $"prompt is not supported by model '{model.Id}'.");
        }
        if (r.ChunkingStrategy is not null && !caps.ChunkingStrategy)
        {
            throw ApiException.UnsupportedValue("chunking_strategy", $"chunking_strategy is not supported by model '{model.Id}'.");
        }
        if ((r.KnownSpeakerNames.Count > 0 || r.KnownSpeakerReferences.Count > 0) && !caps.KnownSpeakers)
        {
            throw ApiException.UnsupportedValue("known_speaker_names", $"known_speaker_names/known_speaker_references are only supported by diarization models, not '{model.Id}'.");
        }
        if (r.KnownSpeakerNames.Count > MaxKnownSpeakers || r.KnownSpeakerReferences.Count > MaxKnownSpeakers)
        {
            throw ApiException.BadRequest($"At most {MaxKnownSpeakers} known speakers may be given.", "known_speaker_names");
        }
        if (r.KnownSpeakerNames.Count != r.KnownSpeakerReferences.Count)
        {
            throw ApiException.BadRequest("known_speaker_names and known_speaker_references must have the same number of entries.", "known_speaker_references");
        }
        EnsureHintsSupported(r, model);
        if (r.Stream && caps.Streaming && r.ResponseFormat is not (ResponseFormat.Json or ResponseFormat.Text))
        {
            throw ApiException.UnsupportedValue("stream", $"stream=true is only supported with response_format 'json' or 'text', not '{r.ResponseFormat.ToWire()}'.");
        }
    }

    /// <summary>keywords[] and languages[]: who takes them, how many, and what a keyword may contain (OpenAI: a single-line
    /// literal without '&lt;' or '&gt;'); language and languages together are ambiguous and refused, as OpenAI does.</summary>
    private static void EnsureHintsSupported(TranscriptionOptions r, ModelEntry model)
    {
        var caps = model.Capabilities;
        if (r.Keywords.Count > 0)
        {
            if (!caps.Keywords)
            {
                throw ApiException.UnsupportedValue("keywords", $"keywords is not supported by model '{model.Id}'.");
            }
            if (r.Keywords.Count > MaxKeywords)
            {
                throw ApiException.BadRequest($"At most {MaxKeywords} keywords may be given (got {r.Keywords.Count}).", "keywords");
            }
            foreach (var keyword in r.Keywords)
            {
                if (keyword.Trim().Length == 0 || keyword.Length > MaxKeywordLength || keyword.AsSpan().IndexOfAny(ForbiddenInKeywords) >= 0)
                {
                    throw ApiException.BadRequest(
                        $"Invalid keyword '{ApiException.Clip(keyword)}': each keyword must be a non-empty single line of at most {MaxKeywordLength} characters without '<' or '>'.",
                        "keywords");
                }
            }
        }
        if (r.Languages.Count > 0)
        {
            if (!caps.Languages)
            {
                throw ApiException.UnsupportedValue("languages", $"languages is not supported by model '{model.Id}'; use language.");
            }
            if (r.Language is not null)
            {
                throw ApiException.BadRequest("language and languages cannot be used together: send the candidates in languages only.", "languages");
            }
            if (r.Languages.Count > MaxLanguages)
            {
                throw ApiException.BadRequest($"At most {MaxLanguages} languages may be given (got {r.Languages.Count}).", "languages");
            }
        }
    }

    private static readonly System.Buffers.SearchValues<char> ForbiddenInKeywords = System.Buffers.SearchValues.Create("<>\r\n");

}
