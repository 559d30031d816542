using Microsoft.Win32.SafeHandles;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>A whisper_vad_segments list; freed with whisper_vad_free_segments.</summary>
internal sealed class WhisperVadSegmentsHandle(IntPtr pointer) : WhisperOwnedHandle(pointer)
{
    protected override bool ReleaseHandle()
    {
        WhisperNative.VadFreeSegments(handle);
        return true;
    }
}
