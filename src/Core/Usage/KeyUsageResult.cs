using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace SpeechToText.Core.Usage;

/// <summary>A result of <c>group_by=key</c>: the counts of one key id.</summary>
public sealed record KeyUsageResult : UsageResult
{
    [SetsRequiredMembers]
    public KeyUsageResult(UsageResult counts, string apiKeyId) : base(counts) => ApiKeyId = apiKeyId;

    [JsonPropertyOrder(GroupOrder)]
    public string ApiKeyId { get; }
}
