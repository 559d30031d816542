using Microsoft.Win32.SafeHandles;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// A pointer whisper.cpp allocated, owned until its free function runs exactly once (even when the
/// owner is finalized instead of disposed). One subclass per native type keeps them from being mixed up.
/// </summary>
internal abstract class WhisperOwnedHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    protected WhisperOwnedHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);
}
