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
