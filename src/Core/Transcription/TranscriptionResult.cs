namespace SpeechToText.Core.Transcription;

/// <summary>What the caller asked for: transcribe in the spoken language, or translate to English.</summary>
public enum TranscriptionTask
{
    Transcribe,
    Translate,
}

/// <summary>One word with its time span (seconds from the start of the audio).</summary>
public sealed record TranscriptWord(string Word, double Start, double End, float Probability = 1f);

/// <summary>
/// One decoded segment, in the shape OpenAI's verbose_json reports it. Times are seconds from the
/// start of the audio the result describes.
/// </summary>
public sealed record TranscriptSegment
{
    public required int Id { get; init; }
    public int Seek { get; init; }
    public required double Start { get; init; }
    public required double End { get; init; }
    /// <summary>Segment text as whisper emits it, usually with a leading space.</summary>
    public required string Text { get; init; }
    public IReadOnlyList<int> Tokens { get; init; } = [];
    public double Temperature { get; init; }
    public double AvgLogprob { get; init; }
    public double CompressionRatio { get; init; }
    public double NoSpeechProb { get; init; }
    /// <summary>Word timings inside this segment; empty unless word timestamps were requested.</summary>
    public IReadOnlyList<TranscriptWord> Words { get; init; } = [];
    /// <summary>Speaker label for diarized results (null otherwise).</summary>
    public string? Speaker { get; init; }
}

/// <summary>Token log-probability as OpenAI reports it with include[]=logprobs.</summary>
public sealed record TokenLogprob(string Token, double Logprob, IReadOnlyList<int> Bytes);

/// <summary>Billing usage: audio seconds for whisper models, tokens for gpt-4o models.</summary>
public abstract record TranscriptionUsage;

public sealed record DurationUsage(double Seconds) : TranscriptionUsage;

public sealed record TokenUsage(int InputTokens, int OutputTokens, int TotalTokens, int AudioTokens, int TextTokens)
    : TranscriptionUsage;

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

/// <summary>A response body as an upstream service sent it, and the wire format it is in.</summary>
public sealed record UpstreamBody(string Format, string ContentType, byte[] Bytes);

/// <summary>
/// Milliseconds a local run spent in voice activity detection and in whisper_full itself; the rest of a
/// request's latency is the service's own overhead (upload, decoding, queueing, response).
/// </summary>
public sealed record EngineTimings(double VadMilliseconds, double InferenceMilliseconds);
