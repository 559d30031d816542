using SpeechToText.Core.Api;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Routing;

/// <summary>
/// Receives partial results while a transcription runs (stream=true). Calls are quick and never block:
/// implementations queue what they get.
/// </summary>
public interface ITranscriptionObserver
{
    /// <summary>New text, in order, as the backend produces it.</summary>
    void OnDelta(string delta, IReadOnlyList<TokenLogprob>? logprobs = null);

    /// <summary>A finished segment with a speaker (diarizing models only).</summary>
    void OnSpeakerSegment(TranscriptSegment segment);
}

/// <summary>One kind of engine that can serve a <see cref="ModelEntry"/>.</summary>
public interface ITranscriptionBackend
{
    BackendKind Kind { get; }

    /// <summary>A short name for logs and the x-stt-backend header, e.g. "whisper.cpp".</summary>
    string DescribeFor(ModelEntry model);

    Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken);
}

/// <summary>What the router returns: the result and which backend produced it.</summary>
public sealed record RoutedResult(TranscriptionResult Result, ModelEntry ServedBy, string Backend);
