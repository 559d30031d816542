using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// glibc's malloc raises its mmap threshold each time a large mmap'd block is freed, so the next
/// whisper_state's buffers (tens of MB) come from the heap and stay resident after they are freed.
/// With states renewed after sampled runs that grew the server by about 40 MB per request (measured:
/// 315 MB to 565 MB peak RSS in 8 requests); a fixed threshold gives the memory back on free
/// (flat at 325 MB peak). Other C libraries are left alone.
/// The threshold is 8 MB, not glibc's starting 128 KB: whisper.cpp allocates and frees vocabulary-sized
/// vectors and graph buffers of up to a few MB on every decoding step, and serving those with mmap/munmap
/// (fresh zeroed pages each time) made whisper_full about 7% slower than whisper-cli (bench: 1.07 → 1.01-1.02
/// on 60 s of audio). State buffers above 8 MB still go back to the system on free.
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private const int MmapThresholdBytes = 8 * 1024 * 1024;

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
