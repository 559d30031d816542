namespace SpeechToText.Core.Realtime;

/// <summary>
/// The audio a session has been sent and not yet committed, as 16-bit samples at the session's rate, positioned in the
/// session's audio timeline (sample 0 = the first sample ever appended). Bounded: an append past
/// <see cref="Capacity"/> is refused whole.
/// </summary>
public sealed class InputAudioBuffer(int capacity, long start = 0)
{
    private short[] _samples = new short[Math.Min(capacity, 1 << 16)];

    /// <summary>Most samples the buffer holds.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Timeline position of the first buffered sample.</summary>
    public long Start { get; private set; } = start;

    public int Count { get; private set; }

    /// <summary>Timeline position just after the last sample appended.</summary>
    public long End => Start + Count;

    /// <summary>Adds <paramref name="samples"/>; false (nothing added) when they do not fit.</summary>
    public bool TryAppend(ReadOnlySpan<short> samples)
    {
        if (samples.Length > Capacity - Count)
        {
            return false;
        }
        if (Count + samples.Length > _samples.Length)
        {
            Array.Resize(ref _samples, (int)Math.Min(Capacity, Math.Max(_samples.Length * 2L, Count + samples.Length)));
        }
        samples.CopyTo(_samples.AsSpan(Count));
        Count += samples.Length;
        return true;
    }

    /// <summary>The samples from timeline position <paramref name="from"/> (clamped to what is buffered) to the end.</summary>
    public ReadOnlySpan<short> From(long from) => _samples.AsSpan((int)(Math.Clamp(from, Start, End) - Start), (int)(End - Math.Clamp(from, Start, End)));

    /// <summary>Removes and returns the samples up to timeline position <paramref name="end"/>.</summary>
    public short[] TakeUntil(long end)
    {
        int n = (int)(Math.Clamp(end, Start, End) - Start);
        var taken = _samples.AsSpan(0, n).ToArray();
        Discard(n);
        return taken;
    }

    /// <summary>Forgets the samples before timeline position <paramref name="position"/> (silence before a turn).</summary>
    public void DropBefore(long position) => Discard((int)(Math.Clamp(position, Start, End) - Start));

    /// <summary>Forgets everything buffered; the timeline goes on from <see cref="End"/>.</summary>
    public void Clear() => Discard(Count);

    private void Discard(int n)
    {
        if (n <= 0)
        {
            return;
        }
        _samples.AsSpan(n, Count - n).CopyTo(_samples);
        Count -= n;
        Start += n;
    }
}
