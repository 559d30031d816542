using SpeechToText.Core.Api;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Routing;

/// <summary>
/// Receives partial results while a transcription runs (stream=true). Calls are quick and never block:
/// implementations queue what they get.
/// </summary>
public interface ITranscriptionObserver
{
    /// <summary>New text, in order, as the local engine produces it.</summary>
    void OnDelta(string delta);

    /// <summary>An upstream's own stream event (its JSON: deltas with logprobs, speaker segments), relayed as it is.</summary>
    void OnUpstreamEvent(string json);

    /// <summary>Which backend is about to produce the events, and the model that failed before it (fallbacks only).</summary>
    void OnBackendSelected(string backend, string? fellBackFrom);
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

/// <summary>What the router returns: the result, which model and backend produced it, and the model it fell back from.</summary>
public sealed record RoutedResult(TranscriptionResult Result, ModelEntry ServedBy, string Backend)
{
    public string? FellBackFrom { get; init; }
}
