using Microsoft.Win32.SafeHandles;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>A whisper_context (the loaded model weights); freed with whisper_free.</summary>
internal sealed class WhisperContextHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.Free(handle);
        return true;
    }
}
