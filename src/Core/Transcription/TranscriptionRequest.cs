
namespace SpeechToText.Core.Transcription;

/// <summary>
/// A parsed /v1/audio/transcriptions or /translations call. Field names and defaults follow OpenAI's
/// API. Owns the upload; dispose to delete its temp file.
/// </summary>
public sealed class TranscriptionRequest : IAsyncDisposable, IDisposable
{
    public required TranscriptionTask Task { get; init; }
    public required AudioUpload File { get; init; }
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

    /// <summary>Segments in verbose_json unless only word timestamps were asked for.</summary>
    public bool WantsSegments => Granularities == TimestampGranularity.None || Granularities.HasFlag(TimestampGranularity.Segment);

    public bool WantsWords => Granularities.HasFlag(TimestampGranularity.Word);

    private Task<DecodedAudio>? _decoded;

    /// <summary>
    /// Decodes the upload the first time any backend needs PCM (a duration check, the local engine, a
    /// fallback) and reuses it after that: the upload is read once, decoded at most once.
    /// </summary>
    public Task<DecodedAudio> DecodeOnceAsync(IAudioDecoder decoder, CancellationToken cancellationToken)
    {
        if (_decoded is null || _decoded.IsFaulted || _decoded.IsCanceled)
        {
            _decoded = decoder.DecodeAsync(File, cancellationToken);
        }
        return _decoded;
    }

    /// <summary>Length of the decoded audio; 0 while (or when) it was not decoded.</summary>
    public double DecodedSeconds => _decoded is { IsCompletedSuccessfully: true } decoded ? decoded.Result.DurationSeconds : 0;

    public ValueTask DisposeAsync() => File.DisposeAsync();

    public void Dispose() => File.Dispose();
}
