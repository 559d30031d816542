
using SpeechToText.Core.Models;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Routing;

/// <summary>What the router returns: the result, which model and backend produced it, and the model it fell back from.</summary>
public sealed record RoutedResult(TranscriptionResult Result, ModelEntry ServedBy, string Backend)
{
    public string? FellBackFrom { get; init; }
}
