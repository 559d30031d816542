using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Jobs;
using SpeechToText.Tests.Infrastructure;

namespace SpeechToText.Tests.Jobs;

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

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var bin = Environment.GetEnvironmentVariable("AZURITE_BIN") is { Length: > 0 } b && File.Exists(b) ? b : InstallViaScript();
        int blob = ServerProcess.FreePort(), queue = ServerProcess.FreePort(), table = ServerProcess.FreePort();
        Directory.CreateDirectory(_data);
        var psi = new ProcessStartInfo(bin) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--silent", "--skipApiVersionCheck", "--location", _data, "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{queue}", "--tableHost", "127.0.0.1", "--tablePort", $"{table}" })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Listening(blob) && Listening(queue)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Azurite did not start");
            }
            await Task.Delay(100);
        }
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;";
    }

    /// <summary>Storage options with containers and queues of their own, so tests sharing this Azurite never see each other's work.</summary>
    public StorageOptions NewStorage()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        return new StorageOptions
        {
            ConnectionString = ConnectionString,
            InputContainer = $"in-{s}",
            OutputContainer = $"out-{s}",
            JobsContainer = $"jobs-{s}",
            ChunkQueue = $"chunks-{s}",
            StitchQueue = $"stitch-{s}",
            PoisonQueue = $"poison-{s}",
        };
    }

    /// <summary>The same options as environment variables for a server process.</summary>
    public static Dictionary<string, string?> AsSettings(StorageOptions o) => new()
    {
        ["Storage__ConnectionString"] = o.ConnectionString,
        ["Storage__InputContainer"] = o.InputContainer,
        ["Storage__OutputContainer"] = o.OutputContainer,
        ["Storage__JobsContainer"] = o.JobsContainer,
        ["Storage__ChunkQueue"] = o.ChunkQueue,
        ["Storage__StitchQueue"] = o.StitchQueue,
        ["Storage__PoisonQueue"] = o.PoisonQueue,
    };

    public static JobStorage Client(StorageOptions o) => new(Options.Create(o));

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
