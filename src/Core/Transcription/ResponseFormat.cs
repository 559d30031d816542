using System.Collections.Frozen;

namespace SpeechToText.Core.Transcription;

/// <summary>The OpenAI response formats.</summary>
public enum ResponseFormat
{
    Json,
    Text,
    Srt,
    Vtt,
    VerboseJson,
    DiarizedJson,
}
