
using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Routing;

/// <summary>One kind of engine that can serve a <see cref="ModelEntry"/>.</summary>
public interface ITranscriptionBackend
{
    BackendKind Kind { get; }

    /// <summary>A short name for logs and the x-stt-backend header, e.g. "whisper.cpp".</summary>
    string DescribeFor(ModelEntry model);

    Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken);
}
