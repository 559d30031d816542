namespace SpeechToText.Core.Jobs;

/// <summary>The transcript blobs written to the output container.</summary>
public sealed record StitchDone(IReadOnlyList<string> Outputs);
