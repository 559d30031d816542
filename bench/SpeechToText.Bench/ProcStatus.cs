using System.Globalization;

namespace SpeechToText.Bench;

/// <summary>Reads memory figures of a live process from /proc/PID/status (Linux).</summary>
internal static class ProcStatus
{
    /// <summary>VmHWM (peak resident set) in KiB, or null when the process is gone.</summary>
    public static long? PeakRssKiB(int pid) => ReadKiB(pid, "VmHWM:");

    public static long? RssKiB(int pid) => ReadKiB(pid, "VmRSS:");

    private static long? ReadKiB(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var number = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(number, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
