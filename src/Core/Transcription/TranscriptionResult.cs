namespace SpeechToText.Core.Transcription;

/// <summary>
/// The one result shape every backend produces and every writer renders. Language is the ISO-639-1
/// code (e.g. "en"); writers turn it into the full name where OpenAI's wire format wants one.
/// </summary>
public sealed record TranscriptionResult
{
    public TranscriptionTask Task { get; init; } = TranscriptionTask.Transcribe;
    public required string Text { get; init; }
    public string? Language { get; init; }
    /// <summary>Length of the audio in seconds.</summary>
    public required double Duration { get; init; }
    public IReadOnlyList<TranscriptSegment> Segments { get; init; } = [];
    public TranscriptionUsage? Usage { get; init; }
    public IReadOnlyList<TokenLogprob>? Logprobs { get; init; }

    /// <summary>
    /// The detected languages as ISO-639-1 codes, answered as json's and the done event's "languages" (gpt-transcribe's
    /// field; empty = none reliably detected); null leaves the field out, as every other model does.
    /// </summary>
    public IReadOnlyList<string>? Languages { get; init; }

    /// <summary>Word timings reported on their own (an upstream's top-level "words"); null = the segments' words.</summary>
    public IReadOnlyList<TranscriptWord>? WordTimings { get; init; }

    /// <summary>All words, in order.</summary>
    public IEnumerable<TranscriptWord> Words => WordTimings ?? Segments.SelectMany(s => s.Words);

    /// <summary>
    /// The upstream's own response body, relayed verbatim when the client asked for the format it is in
    /// (an upstream's answer is passed through faithfully, fields we do not model included).
    /// </summary>
    public UpstreamBody? Raw { get; init; }

    /// <summary>Where a local engine spent its compute time (null for remote backends).</summary>
    public EngineTimings? Timings { get; init; }
}
