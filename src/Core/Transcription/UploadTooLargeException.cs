namespace SpeechToText.Core.Transcription;

/// <summary>The upload exceeded the configured byte limit while it was being read.</summary>
public sealed class UploadTooLargeException(long limit)
    : Exception($"The uploaded file exceeds the maximum size of {limit} bytes.")
{
    public long Limit { get; } = limit;
}
