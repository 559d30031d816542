using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// One real server for the hostile corpus and the fuzzer, configured light (small synthetic model, one
/// thread per slot, 10 minutes of audio at most, 5 s to upload) so hostile inputs cost little, with its
/// own temp folder so leftovers can be counted. Also owns a loopback "canary" listener: playlists in the
/// corpus point at it, and any connection to it means something followed a reference it must not follow.
/// </summary>
public sealed class HostileServerFixture : IAsyncLifetime
{
    /// <summary>
    /// Measured: about 400 MB at most over the corpus and the fuzzer (the model, two whisper states, glibc
    /// keeping freed heap). Each request decodes at most 10 minutes (38 MB of samples), so 1 GiB leaves room
    /// for a loaded machine and fails on a real leak.
    /// </summary>
    public const long MaxRssBytes = 1L << 30;

    public static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxAudioDuration = TimeSpan.FromMinutes(10);

    private readonly TcpListener _canary = new(IPAddress.Loopback, 0);
    private int _canaryConnections;

    public ServerProcess Server { get; private set; } = null!;

    public string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), $"stt-hostile-{Guid.NewGuid():N}");

    public Uri CanaryUrl { get; private set; } = null!;

    /// <summary>Connections the canary accepted: must stay 0.</summary>
    public int CanaryConnections => Volatile.Read(ref _canaryConnections);

    public async Task InitializeAsync()
    {
        _canary.Start();
        CanaryUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_canary.LocalEndpoint).Port}/");
        _ = CountCanaryConnectionsAsync();
        Directory.CreateDirectory(TempDirectory);
        Server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Whisper__Slots"] = "2",
            ["Whisper__ThreadsPerSlot"] = "1",
            ["Whisper__QueueCapacity"] = "32",
            ["Api__UploadTimeout"] = UploadTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Audio__TempDirectory"] = TempDirectory,
            ["Audio__MaxAudioDuration"] = MaxAudioDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Audio__DecodeTimeout"] = "00:00:30",
        });
    }

    public async Task DisposeAsync()
    {
        _canary.Stop();
        await Server.DisposeAsync();
        Directory.Delete(TempDirectory, recursive: true);
    }

    private async Task CountCanaryConnectionsAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _canary.AcceptTcpClientAsync();
                Interlocked.Increment(ref _canaryConnections);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped at dispose.
        }
    }

    /// <summary>The server's resident memory now.</summary>
    public long RssBytes() => RssBytes(Server.ProcessId);

    /// <summary>A process's resident memory now (VmRSS from /proc).</summary>
    public static long RssBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("VmRSS not found");
    }

    /// <summary>
    /// Child processes of the server still running (a leaked ffmpeg would show here). A thread may end between
    /// listing the tasks and reading one's children: TryRead treats it as having none.
    /// </summary>
    public IReadOnlyList<string> ChildProcesses() =>
        Directory.EnumerateDirectories($"/proc/{Server.ProcessId}/task")
            .SelectMany(task => TryRead(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pid => $"{pid} {TryRead($"/proc/{pid}/comm")}".Trim())
            .ToList();

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
    /// What must hold after every hostile input: the process is alive, no engine slot or queue place is
    /// held, no upload or decoder file is left in its temp folder, no child process lingers, memory is
    /// bounded and the canary was never contacted. Cleanup runs as the request ends, which can be just
    /// after the client has its answer, so the checks wait a little for it.
    /// </summary>
    public async Task AssertCleanAsync()
    {
        Assert.False(Server.HasExited, $"the server died:\n{Server.Logs}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string problem;
        while ((problem = await ProblemAsync()) is { Length: > 0 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True(problem.Length == 0, problem);
        long rss = RssBytes();
        Assert.True(rss < MaxRssBytes, $"server RSS {rss / (1024 * 1024)} MB is over {MaxRssBytes / (1024 * 1024)} MB");
        Assert.Equal(0, CanaryConnections);
    }

    private async Task<string> ProblemAsync()
    {
        using var health = JsonDocument.Parse(await Server.Client.GetStringAsync("health"));
        var engine = health.RootElement.GetProperty("engine");
        int busy = engine.GetProperty("slots_busy").GetInt32();
        int queued = engine.GetProperty("queue_length").GetInt32();
        var files = Directory.EnumerateFileSystemEntries(TempDirectory).Select(Path.GetFileName).ToList();
        var children = ChildProcesses();
        return busy == 0 && queued == 0 && files.Count == 0 && children.Count == 0
            ? ""
            : $"slots_busy={busy} queue_length={queued} temp files=[{string.Join(", ", files)}] children=[{string.Join(", ", children)}]";
    }
}

[CollectionDefinition(Name)]
public sealed class HostileServerCollection : ICollectionFixture<HostileServerFixture>
{
    public const string Name = "hostile server";
}
