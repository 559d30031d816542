using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

[StructLayout(LayoutKind.Sequential)]
internal struct WhisperAheads
{
    public nuint NHeads;
    public IntPtr Heads;
}
