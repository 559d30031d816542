using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace SpeechToText.Core.Usage;

/// <summary>A result of <c>group_by=model</c>: the counts of one model, null for requests that never named one.</summary>
public sealed record ModelUsageResult : UsageResult
{
    [SetsRequiredMembers]
    public ModelUsageResult(UsageResult counts, string? model) : base(counts) => Model = model;

    [JsonPropertyOrder(GroupOrder)]
    public string? Model { get; }
}
