
using SpeechToText.Core.Audio;
using SpeechToText.Core.Models;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Serves whisper models with the bundled whisper.cpp engine: decode to PCM, then run it.</summary>
public sealed class LocalWhisperBackend(IAudioDecoder decoder, IWhisperEngine engine) : ITranscriptionBackend
{
    public BackendKind Kind => BackendKind.Local;

    public string DescribeFor(ModelEntry model) => Kind.WireName();

    public async Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken)
    {
        // Decoded at most once per request, whether this is the first backend or a fallback.
        var audio = await request.DecodeOnceAsync(decoder, cancellationToken).ConfigureAwait(false);
        var options = new WhisperDecodeOptions
        {
            Language = request.Language,
            Task = request.Task,
            Prompt = request.Prompt,
            Keywords = request.Keywords,
            Languages = request.Languages,
            Temperature = request.Temperature,
            WordTimestamps = request.WantsWords,
        };
        Action<TranscriptSegment>? onSegment = observer is null ? null : s => observer.OnDelta(s.Text);
        return await engine.TranscribeAsync(audio.Samples, options, onSegment, cancellationToken).ConfigureAwait(false);
    }
}
