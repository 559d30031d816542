using System.Collections.Frozen;

namespace SpeechToText.Core.Models;

/// <summary>What family a model belongs to; capabilities follow from it (OPENAI-CONTRACT.md).</summary>
public enum ModelKind
{
    Whisper,
    Gpt4oTranscribe,
    Gpt4oMiniTranscribe,
    Gpt4oTranscribeDiarize,
}
