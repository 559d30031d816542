using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SpeechToText.Bench;

/// <summary>
/// A process the bench starts without a shell, its stdout and stderr appended to a log file. Killed with
/// its children on dispose, and when the bench itself exits (Ctrl-C, SIGTERM), so no server outlives a run.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly HashSet<Process> Running = [];

    // A console app without a host dies of SIGINT/SIGTERM without raising ProcessExit: kill the children first
    // (the signal then ends the bench as usual).
    private static readonly PosixSignalRegistration[] OnSignal =
    [
        PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillAll()),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll()),
    ];

    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="onLine">Also given every line the process prints (from the output-reading threads).</param>
    public static ChildProcess Start(ProcessStartInfo start, string logPath, Action<string>? onLine = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        process.OutputDataReceived += (_, e) => { Write(log, e.Data); if (e.Data is not null) { onLine?.Invoke(e.Data); } };
        process.ErrorDataReceived += (_, e) => { Write(log, e.Data); if (e.Data is not null) { onLine?.Invoke(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        GC.KeepAlive(OnSignal);
        lock (Running)
        {
            Running.Add(process);
        }
        return new ChildProcess(process, log);
    }

    private static void KillAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (Running)
        {
            Running.Remove(_process);
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
