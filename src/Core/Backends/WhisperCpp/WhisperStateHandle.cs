using Microsoft.Win32.SafeHandles;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>A whisper_state (KV caches, mel buffer, results of one run); freed with whisper_free_state.</summary>
internal sealed class WhisperStateHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.FreeState(handle);
        return true;
    }
}
