namespace SpeechToText.Core.Realtime;

/// <summary>
/// Who opened a session: the key id usage and limits are counted under, the configuration a client secret carried, and
/// how the session charges each turn's audio to the key's budget (the HTTP layer's limiter).
/// </summary>
public sealed record RealtimeCaller(string KeyId, RealtimeSessionConfig? Initial = null)
{
    public Action<double>? ChargeAudio { get; init; }
}
