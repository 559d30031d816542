namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>whisper.cpp's VAD returned no result for a buffer (whisper_vad_segments_from_samples gave NULL).</summary>
public sealed class VadFailedException() : InvalidOperationException("Voice activity detection failed.");
