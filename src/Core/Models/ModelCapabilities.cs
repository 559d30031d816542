using System.Collections.Frozen;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Models;

/// <summary>
/// What a model accepts. One table for every backend, so the rules are enforced before any work or
/// upstream call, with OpenAI's own errors.
/// </summary>
public sealed record ModelCapabilities
{
    public required FrozenSet<ResponseFormat> TranscriptionFormats { get; init; }
    /// <summary>Empty when the model cannot translate.</summary>
    public required FrozenSet<ResponseFormat> TranslationFormats { get; init; }
    public bool TimestampGranularities { get; init; }
    public bool Prompt { get; init; }
    public bool Logprobs { get; init; }
    public bool Streaming { get; init; }
    public bool ChunkingStrategy { get; init; }
    public bool KnownSpeakers { get; init; }
    /// <summary>keywords[]: literal terms expected in the audio (gpt-transcribe; the local engine puts them in its prompt).</summary>
    public bool Keywords { get; init; }
    /// <summary>languages[]: the candidate languages of the audio, answered with the detected one in "languages".</summary>
    public bool Languages { get; init; }
    /// <summary>Longest audio the model accepts, or null for no limit of its own.</summary>
    public double? MaxAudioSeconds { get; init; }

    public bool CanTranslate => TranslationFormats.Count > 0;

    private static readonly FrozenSet<ResponseFormat> WhisperFormats =
        new[] { ResponseFormat.Json, ResponseFormat.Text, ResponseFormat.Srt, ResponseFormat.Vtt, ResponseFormat.VerboseJson }.ToFrozenSet();

    /// <summary>gpt-4o models reject audio longer than this.</summary>
    public const double Gpt4oMaxAudioSeconds = 1400;

    public static ModelCapabilities For(ModelKind kind, bool localEngine = false) => kind switch
    {
        // OpenAI ignores stream for whisper-1; the local engine streams segments as it decodes them.
        ModelKind.Whisper => new ModelCapabilities
        {
            TranscriptionFormats = WhisperFormats,
            TranslationFormats = WhisperFormats,
            TimestampGranularities = true,
            Prompt = true,
            Streaming = localEngine,
            // Azure's whisper deployments take neither; the local engine honours both (WhisperPrompt, language candidates).
            Keywords = localEngine,
            Languages = localEngine,
        },
        ModelKind.Gpt4oTranscribe => new ModelCapabilities
        {
            TranscriptionFormats = new[] { ResponseFormat.Json }.ToFrozenSet(),
            TranslationFormats = FrozenSet<ResponseFormat>.Empty,
            Prompt = true,
            Logprobs = true,
            Streaming = true,
            ChunkingStrategy = true,
            MaxAudioSeconds = Gpt4oMaxAudioSeconds,
        },
        // The mini model accepts what gpt-4o-transcribe does, and text too.
        ModelKind.Gpt4oMiniTranscribe => For(ModelKind.Gpt4oTranscribe) with
        {
            TranscriptionFormats = new[] { ResponseFormat.Json, ResponseFormat.Text }.ToFrozenSet(),
        },
        // The snapshot is the mini model under a dated name.
        ModelKind.Gpt4oMiniTranscribe20251215 => For(ModelKind.Gpt4oMiniTranscribe),
        // OpenAI documents json answers only (it points callers needing text, subtitles or timestamps to whisper-1),
        // streaming, prompt, keywords and languages; logprobs stay gpt-4o(-mini)'s. Its audio limit is not published:
        // gpt-4o's is assumed, so chunks of the blob pipeline stay within what every gpt model takes.
        ModelKind.GptTranscribe => For(ModelKind.Gpt4oTranscribe) with
        {
            Logprobs = false,
            Keywords = true,
            Languages = true,
        },
        ModelKind.Gpt4oTranscribeDiarize => new ModelCapabilities
        {
            TranscriptionFormats = new[] { ResponseFormat.Json, ResponseFormat.Text, ResponseFormat.DiarizedJson }.ToFrozenSet(),
            TranslationFormats = FrozenSet<ResponseFormat>.Empty,
            Streaming = true,
            ChunkingStrategy = true,
            KnownSpeakers = true,
            MaxAudioSeconds = Gpt4oMaxAudioSeconds,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
