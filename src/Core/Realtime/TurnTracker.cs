namespace SpeechToText.Core.Realtime;

/// <summary>
/// Server VAD's turn logic, apart from the detector: given the speech regions found in each newly scanned stretch of
/// the timeline, decides when a turn starts, when enough silence has followed it to end it, and when the idle timeout
/// fires. Pure: positions are timeline samples at <paramref name="sampleRate"/>.
/// </summary>
public sealed class TurnTracker(TurnDetection settings, int sampleRate)
{
    private readonly long _silence = settings.SilenceDurationMs * (long)sampleRate / 1000;
    private readonly long? _idle = settings.IdleTimeoutMs is { } ms ? ms * (long)sampleRate / 1000 : null;
    private long _speechEnd;
    private long _lastActivity;
    private bool _idleFired;

    public bool InSpeech { get; private set; }

    /// <summary>Where the current (or last) turn's speech began.</summary>
    public long SpeechStart { get; private set; }

    /// <summary>
    /// Takes the regions found between the previous scan's end and <paramref name="scannedEnd"/> (sorted, each as
    /// [start, end) in timeline samples) and returns what they decide, in order.
    /// </summary>
    public IReadOnlyList<TurnEvent> Observe(IReadOnlyList<(long Start, long End)> regions, long scannedEnd)
    {
        var events = new List<TurnEvent>();
        foreach (var (start, end) in regions)
        {
            if (!InSpeech)
            {
                InSpeech = true;
                SpeechStart = start;
                _speechEnd = end;
                events.Add(new TurnEvent.SpeechStarted(start));
            }
            else
            {
                _speechEnd = Math.Max(_speechEnd, end);
            }
        }
        if (InSpeech && scannedEnd - _speechEnd >= _silence)
        {
            InSpeech = false;
            events.Add(new TurnEvent.SpeechStopped(_speechEnd, scannedEnd));
            _lastActivity = scannedEnd;
            _idleFired = false;
        }
        else if (!InSpeech && _idle is { } idle && !_idleFired && scannedEnd - _lastActivity >= idle)
        {
            events.Add(new TurnEvent.IdleTimeout(_lastActivity, scannedEnd));
            _idleFired = true;
            _lastActivity = scannedEnd;
        }
        return events;
    }

    /// <summary>After input_audio_buffer.clear or a manual commit: no turn in progress; idle time counts from <paramref name="position"/>.</summary>
    public void Reset(long position)
    {
        InSpeech = false;
        _lastActivity = position;
        _idleFired = false;
    }
}
