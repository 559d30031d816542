using System.Collections.Frozen;

namespace SpeechToText.Core.Models;

/// <summary>One public model id and what serves it.</summary>
public sealed record ModelEntry
{
    public required string Id { get; init; }
    public required BackendKind Backend { get; init; }
    public required ModelKind Kind { get; init; }
    public required ModelCapabilities Capabilities { get; init; }
    public string? Description { get; init; }
    /// <summary>Model ids to try, in order, when this one's backend is throttled or down.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
    /// <summary>Backend-specific name (the Azure deployment), or null for the local engine.</summary>
    public string? Deployment { get; init; }
}
