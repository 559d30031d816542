
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
