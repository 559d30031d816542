using System.Diagnostics;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>One slot: its native state and VAD context live as long as the pool.</summary>
internal sealed class WhisperSlot(int index, WhisperStatePool pool)
{
    public int Index { get; } = index;

    public WhisperStatePool Pool { get; } = pool;

    public WhisperStateHandle? State { get; set; }

    public SileroVad? Vad { get; set; }

    /// <summary>
    /// Replaces the whisper_state (not the VAD context) with a fresh one. If that fails the slot is left
    /// without one and the next lease tries again.
    /// </summary>
    public void RenewState()
    {
        State?.Dispose();
        State = null;
        try
        {
            State = Pool.CreateState();
        }
        catch (InvalidOperationException)
        {
            // whisper_init_state failed (out of memory?): the next lease's first access retries.
        }
    }

    public void DisposeNative()
    {
        State?.Dispose();
        State = null;
        Vad?.Dispose();
        Vad = null;
    }
}
