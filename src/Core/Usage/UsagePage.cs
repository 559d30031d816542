namespace SpeechToText.Core.Usage;

/// <summary>GET /v1/usage's answer: one page holding every bucket asked for (no paging yet).</summary>
public sealed record UsagePage
{
    public string Object => "page";
    public required IReadOnlyList<UsageBucket> Data { get; init; }
    public bool HasMore => false;
    public string? NextPage => null;
}
