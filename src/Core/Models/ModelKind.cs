using System.Collections.Frozen;

namespace SpeechToText.Core.Models;

/// <summary>What family a model belongs to; capabilities follow from it (OPENAI-CONTRACT.md).</summary>
public enum ModelKind
{
    Whisper,
    Gpt4oTranscribe,
    Gpt4oMiniTranscribe,
    Gpt4oTranscribeDiarize,
    /// <summary>OpenAI's 2026 file model: keywords[], languages[], detected languages in its answers.</summary>
    GptTranscribe,
    /// <summary>The dated mini snapshot; accepts what the mini model does.</summary>
    Gpt4oMiniTranscribe20251215,
}
