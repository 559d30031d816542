using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Storage;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// A private Azurite (the npm install scripts/azurite.sh caches; test.sh installs it) on free loopback ports
/// with a temp data folder, so tests never touch a developer's instance; killed and deleted at the end.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's published development account key (a secret as far as the service knows).</summary>
    public const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"stt-azurite-{Guid.NewGuid():N}");

    private string _bin = "";
    private int _blobPort, _queuePort, _tablePort;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _bin = Environment.GetEnvironmentVariable("AZURITE_BIN") is { Length: > 0 } b && File.Exists(b) ? b : InstallViaScript();
        (_blobPort, _queuePort, _tablePort) = (ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort());
        Directory.CreateDirectory(_data);
        await StartProcessAsync();
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};" +
            $"BlobEndpoint=http://127.0.0.1:{_blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_queuePort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{_tablePort}/devstoreaccount1;";
    }

    /// <summary>
    /// Stops Azurite as an outage would (SIGTERM, then SIGKILL if it lingers); its data folder stays.
    /// Nothing listens on its ports until <see cref="StartAgainAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        var process = _process!;
        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", $"{process.Id}" }, UseShellExecute = false })!)
        {
            await term.WaitForExitAsync();
        }
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts Azurite again on the same ports with the same data folder: everything stored before is back.</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var psi = new ProcessStartInfo(_bin) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--silent", "--skipApiVersionCheck", "--location", _data, "--blobHost", "127.0.0.1", "--blobPort", $"{_blobPort}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{_queuePort}", "--tableHost", "127.0.0.1", "--tablePort", $"{_tablePort}" })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Listening(_blobPort) && Listening(_queuePort) && Listening(_tablePort)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Azurite did not start");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Storage options with containers of their own, so tests sharing this Azurite never see each other's work.</summary>
    public StorageOptions NewStorage()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        return new StorageOptions
        {
            ConnectionString = ConnectionString,
            InputContainer = $"in-{s}",
            OutputContainer = $"out-{s}",
            JobsContainer = $"jobs-{s}",
        };
    }

    /// <summary>The same options as environment variables for a server process.</summary>
    public static Dictionary<string, string?> AsSettings(StorageOptions o) => new()
    {
        ["Storage__ConnectionString"] = o.ConnectionString,
        ["Storage__InputContainer"] = o.InputContainer,
        ["Storage__OutputContainer"] = o.OutputContainer,
        ["Storage__JobsContainer"] = o.JobsContainer,
    };

    public static JobStorage Client(StorageOptions o) => new(Options.Create(o), ConnectionStringsOnly.Instance);

    /// <summary>Azurite is reached by connection string: a token asked for would be a bug.</summary>
    private sealed class ConnectionStringsOnly : Azure.Core.TokenCredential
    {
        public static readonly ConnectionStringsOnly Instance = new();

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Azurite is reached by connection string; no token should be asked for.");

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Azurite is reached by connection string; no token should be asked for.");
    }

    private static string InstallViaScript()
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "azurite.sh"));
        psi.ArgumentList.Add("install");
        using var p = Process.Start(psi)!;
        var path = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 && File.Exists(path) ? path : throw new InvalidOperationException("scripts/azurite.sh install failed");
    }

    private static bool Listening(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: false); // SIGKILL: a test Azurite has nothing to flush.
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
