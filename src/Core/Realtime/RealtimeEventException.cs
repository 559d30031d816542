namespace SpeechToText.Core.Realtime;

/// <summary>A client event the session cannot take: answered with an error event naming it; the session goes on.</summary>
public sealed class RealtimeEventException(string message, string? param = null, string code = "invalid_value") : Exception(message)
{
    public string? Param { get; } = param;

    public string Code { get; } = code;
}
