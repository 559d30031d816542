using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// The real server (src/Server's built dll) as a child process on a free loopback port, configured
/// through environment variables the way an operator would. Its stdout/stderr are captured so tests
/// can check what it logs.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;

    private ServerProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(3) };
        _output = new ProcessOutput(process);
    }

    public Uri BaseUrl { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Logs => _output.Text;

    /// <summary>Starts the server with the given configuration (as environment variables) and waits for /health.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan? startTimeout = null)
    {
        // A test that lays out Kestrel's endpoints itself (TLS) names the plain-http port the checks use.
        int port = settings.TryGetValue("PORT", out var fixedPort) && int.TryParse(fixedPort, out var p) ? p : FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "SpeechToText.Server.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        // Servers without storage meter into local files: keep the tests' out of the user's profile.
        psi.Environment["Usage__LocalDirectory"] = Path.Combine(Path.GetTempPath(), $"stt-test-usage-{Environment.ProcessId}");
        foreach (var (key, value) in settings)
        {
            psi.Environment[key] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + (startTimeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // HasExited turns true before the last lines are read; WaitForExit() without a timeout also
                // waits for both redirected streams to reach their end, so the message holds why it stopped.
                process.WaitForExit();
                throw new InvalidOperationException($"server exited with {process.ExitCode}:\n{server.Logs}");
            }
            try
            {
                using var r = await server.Client.GetAsync("health");
                if (r.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"server did not answer /health in time:\n{server.Logs}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping the instance does, and waits for a graceful exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (SignalTerminate(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SignalTerminate(int pid, int signal);

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
