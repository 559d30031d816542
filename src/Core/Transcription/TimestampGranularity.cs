
namespace SpeechToText.Core.Transcription;

[Flags]
public enum TimestampGranularity
{
    None = 0,
    Segment = 1,
    Word = 2,
}
