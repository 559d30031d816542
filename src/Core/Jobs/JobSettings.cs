namespace SpeechToText.Core.Jobs;

/// <summary>What a job was asked for (blob metadata and/or sidecar, after defaults).</summary>
public sealed record JobSettings
{
    public required string Model { get; init; }
    public string? Language { get; init; }
    public string? Prompt { get; init; }
    /// <summary>Output extensions (<see cref="TranscriptOutputs.All"/>).</summary>
    public required IReadOnlyList<string> Formats { get; init; }
}

/// <summary>The transcript files a job writes, by the extension used in the output container.</summary>
public static class TranscriptOutputs
{
    /// <summary>Default outputs: json, verbose_json, srt, vtt, txt.</summary>
    public static readonly IReadOnlyList<string> All = ["json", "verbose.json", "srt", "vtt", "txt"];
}
