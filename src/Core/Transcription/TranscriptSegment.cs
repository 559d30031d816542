namespace SpeechToText.Core.Transcription;

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
