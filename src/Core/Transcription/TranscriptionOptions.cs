using System.Diagnostics.CodeAnalysis;

namespace SpeechToText.Core.Transcription;

/// <summary>
/// What a /v1/audio/transcriptions or /translations call asks for, without its audio: what <c>RequestRules</c> checks
/// against a model (the blob pipeline checks a job's settings this way, with no upload). Field names and defaults
/// follow OpenAI's API.
/// </summary>
public class TranscriptionOptions
{
    public TranscriptionOptions()
    {
    }

    /// <summary>A copy of <paramref name="other"/>'s fields (change some with an object initializer).</summary>
    [SetsRequiredMembers]
    public TranscriptionOptions(TranscriptionOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Task = other.Task;
        Model = other.Model;
        Language = other.Language;
        Prompt = other.Prompt;
        ResponseFormat = other.ResponseFormat;
        ResponseFormatGiven = other.ResponseFormatGiven;
        Temperature = other.Temperature;
        Granularities = other.Granularities;
        Stream = other.Stream;
        IncludeLogprobs = other.IncludeLogprobs;
        ChunkingStrategy = other.ChunkingStrategy;
        KnownSpeakerNames = other.KnownSpeakerNames;
        KnownSpeakerReferences = other.KnownSpeakerReferences;
        Keywords = other.Keywords;
        Languages = other.Languages;
    }

    public required TranscriptionTask Task { get; init; }
    public required string Model { get; init; }
    /// <summary>ISO-639-1 code as sent (validated), or null.</summary>
    public string? Language { get; init; }
    public string? Prompt { get; init; }
    public ResponseFormat ResponseFormat { get; init; } = ResponseFormat.Json;
    /// <summary>True when the client sent response_format (OpenAI defaults differ per model when absent).</summary>
    public bool ResponseFormatGiven { get; init; }
    public float Temperature { get; init; }
    /// <summary>As sent; None when the field was absent (verbose_json then defaults to segments).</summary>
    public TimestampGranularity Granularities { get; init; }
    public bool Stream { get; init; }
    public bool IncludeLogprobs { get; init; }
    /// <summary>Raw chunking_strategy: "auto" or a JSON object, passed through to backends that take it.</summary>
    public string? ChunkingStrategy { get; init; }
    public IReadOnlyList<string> KnownSpeakerNames { get; init; } = [];
    public IReadOnlyList<string> KnownSpeakerReferences { get; init; } = [];
    /// <summary>keywords[] as sent: literal terms expected in the audio (checked by <c>RequestRules</c>).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>languages[]: the candidate languages, as lower-case ISO-639-1 codes without repeats; empty when absent.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    /// <summary>Segments in verbose_json unless only word timestamps were asked for.</summary>
    public bool WantsSegments => Granularities == TimestampGranularity.None || Granularities.HasFlag(TimestampGranularity.Segment);

    public bool WantsWords => Granularities.HasFlag(TimestampGranularity.Word);
}
