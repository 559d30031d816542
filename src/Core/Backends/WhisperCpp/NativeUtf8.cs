using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>A NUL-terminated UTF-8 copy of a string in native memory, for the length of a call into whisper.cpp (null stays null).</summary>
internal readonly unsafe struct NativeUtf8(string? value) : IDisposable
{
    private readonly IntPtr _pointer = value is null ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(value);

    public byte* Pointer => (byte*)_pointer;

    public void Dispose() => Marshal.FreeCoTaskMem(_pointer);
}
