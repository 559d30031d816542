using System.Security.Cryptography;
using System.Text;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>The eleven int32 hyper-parameters at the head of a legacy ggml whisper model file, in file order.</summary>
public sealed record GgmlHyperParameters(
    int NVocab,
    int NAudioCtx,
    int NAudioState,
    int NAudioHead,
    int NAudioLayer,
    int NTextCtx,
    int NTextState,
    int NTextHead,
    int NTextLayer,
    int NMels,
    int FType)
{
    /// <summary>whisper.cpp's rule: a vocabulary of 51865 tokens or more carries the language tokens.</summary>
    public bool IsMultilingual => NVocab >= 51865;

    /// <summary>The size name whisper.cpp derives from the encoder depth ("tiny", "base", ... or "unknown").</summary>
    public string ModelType => NAudioLayer switch
    {
        4 => "tiny",
        6 => "base",
        12 => "small",
        24 => "medium",
        32 => "large",
        _ => "unknown",
    };
}
