using SpeechToText.Core.Api;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Engines;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Routing;

/// <summary>Serves whisper models with the bundled whisper.cpp engine: decode to PCM, then run it.</summary>
public sealed class LocalWhisperBackend(IAudioDecoder decoder, IWhisperEngine engine) : ITranscriptionBackend
{
    public BackendKind Kind => BackendKind.Local;

    public string DescribeFor(ModelEntry model) => "whisper.cpp";

    public async Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken)
    {
        var audio = await request.DecodeOnceAsync(decoder, cancellationToken).ConfigureAwait(false);
        return await TranscribeAsync(audio, request, model, observer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For callers that already hold decoded audio (the chunk pipeline, fallbacks).</summary>
    public Task<TranscriptionResult> TranscribeAsync(DecodedAudio audio, TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken)
    {
        if (model.Capabilities.MaxAudioSeconds is { } max && audio.DurationSeconds > max)
        {
            throw ApiError.BadRequest($"Audio is {audio.DurationSeconds:0.#} s long; model '{model.Id}' accepts at most {max:0} s.", "file", "audio_too_long");
        }
        var options = new WhisperDecodeOptions
        {
            Language = request.Language,
            Task = request.Task,
            Prompt = request.Prompt,
            Temperature = request.Temperature,
            WordTimestamps = request.WantsWords,
        };
        Action<TranscriptSegment>? onSegment = observer is null ? null : s => observer.OnDelta(s.Text);
        return engine.TranscribeAsync(audio.Samples, options, onSegment, cancellationToken);
    }
}
