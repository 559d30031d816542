using Microsoft.Win32.SafeHandles;

namespace SpeechToText.Core.Engines.WhisperCpp;

/// <summary>
/// A pointer whisper.cpp allocated, owned until its free function runs exactly once (even when the
/// owner is finalized instead of disposed). One subclass per native type keeps them from being mixed up.
/// </summary>
internal abstract class WhisperOwnedHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    protected WhisperOwnedHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);
}

/// <summary>A whisper_context (the loaded model weights); freed with whisper_free.</summary>
internal sealed class WhisperContextHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.Free(handle);
        return true;
    }
}

/// <summary>A whisper_state (KV caches, mel buffer, results of one run); freed with whisper_free_state.</summary>
internal sealed class WhisperStateHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.FreeState(handle);
        return true;
    }
}

/// <summary>A whisper_vad_context (the Silero model and its LSTM state); freed with whisper_vad_free.</summary>
internal sealed class WhisperVadContextHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.VadFree(handle);
        return true;
    }
}

/// <summary>A whisper_vad_segments list; freed with whisper_vad_free_segments.</summary>
internal sealed class WhisperVadSegmentsHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.VadFreeSegments(handle);
        return true;
    }
}
