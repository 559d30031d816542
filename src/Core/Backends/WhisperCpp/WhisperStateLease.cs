using System.Diagnostics;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Exclusive use of one slot until disposed; the whisper_state is created on first access.</summary>
public sealed class WhisperStateLease : IDisposable
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private WhisperSlot? _slot;

    internal WhisperStateLease(WhisperSlot slot) => _slot = slot;

    /// <summary>Zero-based index of the slot held.</summary>
    public int SlotIndex => Slot.Index;

    internal WhisperSlot Slot => _slot ?? throw new ObjectDisposedException(nameof(WhisperStateLease));

    internal WhisperStateHandle State => Slot.State ??= Slot.Pool.CreateState();

    public void Dispose()
    {
        var slot = Interlocked.Exchange(ref _slot, null);
        slot?.Pool.Release(slot, Stopwatch.GetElapsedTime(_started));
    }
}
