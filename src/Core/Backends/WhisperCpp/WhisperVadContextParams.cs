using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

[StructLayout(LayoutKind.Sequential)]
internal struct WhisperVadContextParams
{
    public int NThreads;
    public byte UseGpu;
    public int GpuDevice;
}
