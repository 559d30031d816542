namespace SpeechToText.Core.Realtime;

/// <summary>
/// Section "Realtime": the limits of live transcription sessions (GET /v1/realtime?intent=transcription). Every limit
/// is explicit; the defaults suit a microphone streaming in real time.
/// </summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Longest session; it then gets an error event and is closed (OpenAI's sessions last 60 minutes at most).</summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session without any client event for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Audio one turn may buffer before it is committed; appends past it are refused with an error event.</summary>
    public TimeSpan MaxTurnAudio { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Committed turns waiting for transcription per session; a turn beyond it fails with rate_limit_exceeded.</summary>
    public int MaxPendingTurns { get; set; } = 4;

    /// <summary>Open sessions per API key on this instance.</summary>
    public int MaxSessionsPerKey { get; set; } = 8;

    /// <summary>Largest client event (one WebSocket message); a larger one is skipped with an error event.</summary>
    public int MaxEventBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a client secret from POST /v1/realtime/client_secrets stays valid unless the request asks otherwise.</summary>
    public TimeSpan ClientSecretLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest lifetime a client secret may ask for (OpenAI allows 10 s to 2 h).</summary>
    public TimeSpan MaxClientSecretLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Client secrets alive at once on this instance; issuing more is a 429.</summary>
    public int MaxClientSecrets { get; set; } = 10_000;
}
