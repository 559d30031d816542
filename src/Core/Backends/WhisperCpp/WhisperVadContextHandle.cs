using Microsoft.Win32.SafeHandles;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>A whisper_vad_context (the Silero model and its LSTM state); freed with whisper_vad_free.</summary>
internal sealed class WhisperVadContextHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.VadFree(handle);
        return true;
    }
}
