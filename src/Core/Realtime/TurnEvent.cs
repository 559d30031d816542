namespace SpeechToText.Core.Realtime;

/// <summary>What server VAD decided after a scan, in timeline samples at the session's rate.</summary>
public abstract record TurnEvent
{
    /// <summary>Speech began at <paramref name="Position"/>.</summary>
    public sealed record SpeechStarted(long Position) : TurnEvent;

    /// <summary>Speech ended at <paramref name="Position"/>, followed by enough silence: commit up to <paramref name="CommitAt"/>.</summary>
    public sealed record SpeechStopped(long Position, long CommitAt) : TurnEvent;

    /// <summary>No speech from <paramref name="From"/> to <paramref name="To"/> for the session's idle timeout.</summary>
    public sealed record IdleTimeout(long From, long To) : TurnEvent;
}
