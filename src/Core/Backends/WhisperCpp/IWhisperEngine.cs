
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The bundled whisper.cpp model. One loaded model per process; each call runs on a pooled whisper
/// state (bounded slots plus a bounded wait queue). When slots and queue are full the call fails at
/// once with a 429 <see cref="Api.ApiException"/>. Cancellation aborts the native work and frees the slot.
/// </summary>
public interface IWhisperEngine
{
    WhisperEngineStatus Status { get; }

    /// <param name="samples">16 kHz mono float PCM.</param>
    /// <param name="onSegment">Called for each segment as whisper produces it (from the native new-segment callback), before the call completes.</param>
    Task<TranscriptionResult> TranscribeAsync(float[] samples, WhisperDecodeOptions options,
        Action<TranscriptSegment>? onSegment, CancellationToken cancellationToken);
}
