using System.Globalization;
using System.Text.Json;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// What every fault test checks once the fault is over: the engine is idle again (GET /health), no temp file
/// is left behind, child processes are gone, and the server's resident memory is back near its baseline.
/// </summary>
internal static class FaultChecks
{
    /// <summary>
    /// How far the server's RSS may sit above its baseline after a fault. A whisper state or a decoded
    /// upload leaked per request would pass it within a few repetitions; allocator and JIT noise stays well under it.
    /// </summary>
    public const long RssMarginBytes = 96L * 1024 * 1024;

    public static async Task<(int SlotsBusy, int QueueLength)> EngineAsync(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("health"));
        var engine = doc.RootElement.GetProperty("engine");
        return (engine.GetProperty("slots_busy").GetInt32(), engine.GetProperty("queue_length").GetInt32());
    }

    /// <summary>Waits until no engine slot is busy and nothing waits for one.</summary>
    public static Task WaitForIdleEngineAsync(HttpClient client, TimeSpan timeout) =>
        WaitUntilAsync(async () => await EngineAsync(client) == (0, 0), timeout, "the engine to be idle (slots_busy 0, queue_length 0)");

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Resident set size of a process (VmRSS of /proc/PID/status).</summary>
    public static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
        return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
    }

    public static void AssertRssNear(int pid, long baseline, string after)
    {
        long now = RssBytes(pid);
        Assert.True(now <= baseline + RssMarginBytes,
            $"server RSS {now / 1048576} MiB after {after}, baseline {baseline / 1048576} MiB (margin {RssMarginBytes / 1048576} MiB)");
    }

    /// <summary>Whether a process still runs: it has a /proc entry that is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var state = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("State:", StringComparison.Ordinal));
            return state["State:".Length..].Trim()[0] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The files under a folder (none when it does not exist).</summary>
    public static string[] FilesIn(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories) : [];

    /// <summary>
    /// Waits (briefly) for a folder to be empty. A request's temp files are deleted when its handler returns,
    /// which can be just after the client has read the whole response.
    /// </summary>
    public static async Task AssertNoFilesLeftAsync(string directory)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (FilesIn(directory) is { Length: > 0 } left)
        {
            if (DateTime.UtcNow >= deadline)
            {
                // A file may still go between the listing and this look at it: say so rather than fail on it.
                static string Describe(string f) => new FileInfo(f) is { Exists: true } info ? $"{f} ({info.Length} bytes)" : $"{f} (gone since)";
                Assert.Fail($"left behind: {string.Join(", ", left.Select(Describe))}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>A fresh, empty folder under the system temp folder for one test's temp files.</summary>
    public static string NewTempDirectory(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"stt-fault-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
