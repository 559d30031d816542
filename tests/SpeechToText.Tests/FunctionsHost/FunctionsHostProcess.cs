using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.FunctionsHost;

/// <summary>
/// A Functions host running the published app (a script root) on a free loopback port, configured the way
/// a host on a developer's machine is: the script root and worker directory, Azurite as AzureWebJobsStorage and
/// as every connection the app names, keys in files, Development environment. Its output is captured; the
/// master key is read from the secrets folder the host writes.
/// </summary>
public sealed class FunctionsHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly string _secrets;

    private FunctionsHostProcess(Process process, Uri baseUrl, string secrets)
    {
        _process = process;
        _secrets = secrets;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(3) };
        _output = new ProcessOutput(process);
    }

    public Uri BaseUrl { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public string MasterKey { get; private set; } = "";

    public string Logs => _output.Text;

    /// <summary>
    /// The environment a host needs to run this app against Azurite (../shared/FUNCTIONS-HOST.md): the app's own
    /// settings come on top.
    /// </summary>
    public static Dictionary<string, string?> HostEnvironment(string scriptRoot, string storageConnection, string secrets, int port) => new()
    {
        ["AzureWebJobsScriptRoot"] = scriptRoot,
        ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        ["languageWorkers__dotnet-isolated__workerDirectory"] = scriptRoot,
        ["AzureWebJobsStorage"] = storageConnection,
        ["PipelineStorage"] = storageConnection,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
        ["AzureWebJobsSecretStorageType"] = "files",
        ["FUNCTIONS_SECRETS_PATH"] = secrets,
        // With CONTAINER_NAME set the host believes it runs in a Linux Consumption container (other limits).
        ["CONTAINER_NAME"] = null,
    };

    public static async Task<FunctionsHostProcess> StartAsync(FunctionsHostInstallation host, string scriptRoot,
        IReadOnlyDictionary<string, string?> appSettings, string storageConnection)
    {
        int port = ServerProcess.FreePort();
        var secrets = Path.Combine(Path.GetTempPath(), $"stt-func-secrets-{Guid.NewGuid():N}");
        Directory.CreateDirectory(secrets);
        var psi = new ProcessStartInfo(host.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = host.WorkingDirectory ?? scriptRoot,
        };
        foreach (var arg in host.Arguments)
        {
            psi.ArgumentList.Add(arg);
        }
        if (host.FileName.EndsWith("func", StringComparison.Ordinal))
        {
            psi.ArgumentList.Add("--port");
            psi.ArgumentList.Add($"{port}");
        }
        foreach (var (k, v) in HostEnvironment(scriptRoot, storageConnection, secrets, port).Concat(appSettings))
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }
        var started = new FunctionsHostProcess(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}/"), secrets);
        try
        {
            await started.WaitUntilRunningAsync(TimeSpan.FromMinutes(3));
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>Keys are created lazily: the first request carrying any x-functions-key makes the host write them.</summary>
    private async Task WaitUntilRunningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(_process.HasExited, $"the Functions host exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Logs}");
            Assert.True(DateTime.UtcNow < deadline, $"the Functions host did not report Running within {timeout}:\n{Logs}");
            try
            {
                if (MasterKey.Length == 0)
                {
                    using var probe = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
                    probe.Headers.Add("x-functions-key", "bootstrap");
                    using var _ = await Client.SendAsync(probe);
                    MasterKey = ReadMasterKey() ?? "";
                }
                if (MasterKey.Length > 0)
                {
                    using var status = await Admin(HttpMethod.Get, "admin/host/status");
                    if (status.StatusCode == HttpStatusCode.OK
                        && (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() == "Running")
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(500);
        }
    }

    private string? ReadMasterKey()
    {
        var file = Path.Combine(_secrets, "host.json");
        if (!File.Exists(file))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        return doc.RootElement.GetProperty("masterKey").GetProperty("value").GetString();
    }

    /// <summary>A request to the host's admin API, with the master key.</summary>
    public Task<HttpResponseMessage> Admin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", MasterKey);
        return Client.SendAsync(request);
    }

    /// <summary>The host and every process under it (the worker among them), from /proc.</summary>
    public IReadOnlyList<int> ProcessTree() => Descendants(_process.Id).Prepend(_process.Id).Where(Alive).ToList();

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = Directory.Exists($"/proc/{pid}/task")
            ? Directory.EnumerateDirectories($"/proc/{pid}/task")
                .SelectMany(task => TryRead(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(int.Parse)
                .ToList()
            : [];
        return children.Concat(children.SelectMany(Descendants));
    }

    public static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !TryRead($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// SIGTERM (the host stops in about 5 s on .NET 10), then SIGKILL for whatever of its tree is left; returns the
    /// processes that had to be killed (none, when the host stops its worker as it should).
    /// </summary>
    public async Task<IReadOnlyList<int>> StopAsync()
    {
        var tree = ProcessTree();
        if (!_process.HasExited)
        {
            using var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", $"{_process.Id}" }, UseShellExecute = false })!;
            await term.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (tree.Any(Alive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        var left = tree.Where(Alive).ToList();
        foreach (var pid in left)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }
        return left;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(_secrets, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
