using System.Runtime.InteropServices;

namespace SpeechToText.Core.Engines.WhisperCpp;

/// <summary>
/// glibc's malloc raises its mmap threshold each time a large mmap'd block is freed, so the next
/// whisper_state's buffers (tens of MB) come from the heap and stay resident after they are freed.
/// With states renewed after sampled runs that grew the server by about 40 MB per request (measured:
/// 315 MB to 565 MB peak RSS in 8 requests); a fixed threshold gives the memory back on free
/// (flat at 325 MB peak). Other C libraries are left alone.
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private const int MmapThresholdBytes = 128 * 1024; // glibc's default starting value

    private static int _applied;

    /// <summary>Fixes the mmap threshold once per process; false where glibc's mallopt is not there.</summary>
    public static bool FixMmapThreshold()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        if (Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return true;
        }
        try
        {
            return MallOpt(MmapThresholdOption, MmapThresholdBytes) == 1;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int option, int value);
}
