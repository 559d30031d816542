namespace SpeechToText.Core.Transcription;

/// <summary>
/// Milliseconds a local run spent in voice activity detection and in whisper_full itself; the rest of a
/// request's latency is the service's own overhead (upload, decoding, queueing, response).
/// </summary>
public sealed record EngineTimings(double VadMilliseconds, double InferenceMilliseconds);
