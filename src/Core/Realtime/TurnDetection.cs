namespace SpeechToText.Core.Realtime;

/// <summary>
/// Server VAD settings of a session (turn_detection type server_vad; semantic_vad is mapped onto these). A session
/// without turn detection (null) leaves every commit to the client.
/// </summary>
public sealed record TurnDetection
{
    /// <summary>Silero's speech probability threshold, 0 to 1.</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>Audio kept before the detected start of speech.</summary>
    public int PrefixPaddingMs { get; init; } = 300;

    /// <summary>Silence after speech that ends a turn.</summary>
    public int SilenceDurationMs { get; init; } = 500;

    /// <summary>No speech for this long after a turn: timeout_triggered, and what is buffered is committed. Null: never.</summary>
    public int? IdleTimeoutMs { get; init; }

    /// <summary>What the client asked for: "server_vad" or "semantic_vad" (answered as sent).</summary>
    public string Type { get; init; } = "server_vad";

    /// <summary>semantic_vad's eagerness, answered as sent.</summary>
    public string? Eagerness { get; init; }

    /// <summary>
    /// semantic_vad decides with a language model when a speaker is done; this service has none, so eagerness picks
    /// the silence that ends a turn: high 250 ms, medium/auto 500 ms, low 1000 ms.
    /// </summary>
    public static TurnDetection Semantic(string? eagerness) => new()
    {
        Type = "semantic_vad",
        Eagerness = eagerness ?? "auto",
        SilenceDurationMs = eagerness switch { "high" => 250, "low" => 1000, _ => 500 },
    };
}
