using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SpeechToText.Core.Observability;

/// <summary>
/// When each start-up phase of this process ended, in milliseconds since the process started (the kernel's start
/// time, so the runtime's own start is included): <c>main</c> (runtime started, Main entered), <c>host-built</c>
/// (configuration and DI), <c>listening</c>, <c>native-loaded</c> (libwhisper and the CPU backend),
/// <c>model-loaded</c>, <c>states-ready</c> (every slot's whisper state), <c>first-inference</c> (the first
/// whisper_full started) and <c>first-answer</c> (it returned). Each phase is kept once, logged as
/// "Startup: PHASE at N ms" (marks made before a logger is attached are logged when it is) and shown on /health;
/// bench/coldstart.sh reads them.
/// </summary>
public static class StartupTimeline
{
    private static readonly Lock Gate = new();
    private static readonly List<KeyValuePair<string, long>> Marks = [];
    private static readonly DateTime ProcessStarted = ReadProcessStart();
    private static ILogger? _logger;

    /// <summary>The phases so far, in the order they ended.</summary>
    public static IReadOnlyList<KeyValuePair<string, long>> Phases
    {
        get
        {
            lock (Gate)
            {
                return Marks.ToArray();
            }
        }
    }

    /// <summary>Milliseconds since the process started.</summary>
    public static long Now => (long)(DateTime.UtcNow - ProcessStarted).TotalMilliseconds;

    /// <summary>Records <paramref name="phase"/> as ended now, unless it already was.</summary>
    public static void Mark(string phase)
    {
        var at = Now;
        ILogger? logger;
        lock (Gate)
        {
            if (Marks.Any(m => m.Key == phase))
            {
                return;
            }
            Marks.Add(new(phase, at));
            logger = _logger;
        }
        logger?.LogInformation("Startup: {Phase} at {Ms} ms", phase, at);
    }

    /// <summary>
    /// Writes the phases marked so far and every later one as plain lines on standard output, for a process whose
    /// logger is not a console (the Functions worker: its host collects what the worker prints).
    /// </summary>
    public static void AttachConsole() => Attach(new ConsoleLineLogger());

    /// <summary>Logs the phases marked so far and every later one to <paramref name="logger"/> (the first attached wins).</summary>
    public static void Attach(ILogger logger)
    {
        KeyValuePair<string, long>[] earlier;
        lock (Gate)
        {
            if (_logger is not null)
            {
                return;
            }
            _logger = logger;
            earlier = Marks.ToArray();
        }
        foreach (var (phase, at) in earlier)
        {
            logger.LogInformation("Startup: {Phase} at {Ms} ms", phase, at);
        }
    }

    private static DateTime ReadProcessStart()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return self.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
        {
            // Where the start time cannot be read, phases count from the first use of this class instead.
            return DateTime.UtcNow;
        }
    }

    private sealed class ConsoleLineLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Console.Out.WriteLine(formatter(state, exception));
    }
}
