using System.Diagnostics;
using System.Globalization;

namespace SpeechToText.Bench.Load;

/// <summary>
/// whisper.cpp's own HTTP server (examples/server of the same 1.9.1 build) on a loopback port. It loads the
/// model before it listens, so the first answer to GET / means ready. Requests are served one at a time
/// under its model mutex; the others wait, unbounded, on httplib's worker threads.
/// </summary>
internal sealed class WhisperServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private WhisperServerProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Pid;

    /// <summary>
    /// The command line that gives whisper-server our engine's decoding (WhisperEngine.Run), parameter by
    /// parameter: greedy with best_of 1 (its default is 2), temperature 0 with 0.2 fallback steps (its default,
    /// ours for temperature 0), language en, token timestamps on and no_context (its defaults, and ours), no
    /// flash attention and no GPU (WhisperModel.Load). It wraps segments at 60 characters when max_len is 0;
    /// ours does not wrap, so max_len is set beyond any segment. Nothing is printed per segment on either side.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string model, int threads, int port) =>
    [
        "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "-m", model,
        "-t", threads.ToString(CultureInfo.InvariantCulture), "-bo", "1", "-l", "en", "-nfa", "-ng", "-ml", "100000",
    ];

    public static async Task<WhisperServerProcess> StartAsync(string nativeDir, string model, int threads, int port, string logPath,
        TimeSpan loadTimeout)
    {
        var start = new ProcessStartInfo(Path.Combine(nativeDir, "whisper-server")) { WorkingDirectory = nativeDir };
        foreach (var argument in Arguments(model, threads, port))
        {
            start.ArgumentList.Add(argument);
        }
        var server = new WhisperServerProcess(ChildProcess.Start(start, logPath), new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitUntilListeningAsync(loadTimeout).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"whisper-server exited with code {_process.ExitCode} before it listened (see its log)");
            }
            try
            {
                using var response = await http.GetAsync("").ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
                // Still loading the model.
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"whisper-server did not listen within {timeout.TotalSeconds:0} s");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
