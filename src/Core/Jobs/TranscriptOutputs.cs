namespace SpeechToText.Core.Jobs;

/// <summary>The transcript files a job writes, by the extension used in the output container.</summary>
public static class TranscriptOutputs
{
    /// <summary>Default outputs: json, verbose_json, srt, vtt, txt.</summary>
    public static readonly IReadOnlyList<string> All = ["json", "verbose.json", "srt", "vtt", "txt"];
}
