using System.Diagnostics;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Jobs;

namespace SpeechToText.Tests.FunctionsHost;

/// <summary>
/// The published Functions app (scripts/package-functions.sh, the package users deploy) under a real Functions
/// host against the tests' own Azurite, with an API key configured. Where no host exists nothing is started:
/// the tests using this fixture are skipped (<see cref="FunctionsHostFactAttribute"/>).
/// </summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    public const string ApiKey = "sk-functions-host-test";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"stt-func-app-{Guid.NewGuid():N}");
    private readonly AzuriteFixture _azurite = new();

    public FunctionsHostProcess Host { get; private set; } = null!;

    public string ScriptRoot => Path.Combine(_folder, "app");

    public string StorageConnection => _azurite.ConnectionString;

    /// <summary>The app's own settings: the test model, the key, and the pipeline's storage on Azurite.</summary>
    public Dictionary<string, string?> AppSettings() => new()
    {
        ["Whisper__ModelPath"] = TestModels.Test,
        ["Auth__Keys__0__Id"] = "host-test",
        ["Auth__Keys__0__Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ApiKey))),
        ["Storage__ConnectionString"] = _azurite.ConnectionString,
        ["Usage__LocalDirectory"] = Path.Combine(_folder, "usage"),
    };

    public async Task InitializeAsync()
    {
        if (FunctionsHostLocator.Host is not { } host)
        {
            return;
        }
        await PublishAsync(ScriptRoot, Path.Combine(_folder, "app.zip"));
        await _azurite.InitializeAsync();
        Host = await FunctionsHostProcess.StartAsync(host, ScriptRoot, AppSettings(), _azurite.ConnectionString);
    }

    /// <summary>The deployable package's stage folder: exactly what a user deploys, unzipped.</summary>
    public static async Task PublishAsync(string stage, string zip)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(RepoPaths.Root, "scripts", "package-functions.sh"), "--model", "none", "--stage", stage, "--out", zip })
        {
            psi.ArgumentList.Add(arg);
        }
        using var script = Process.Start(psi)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        Assert.True(script.ExitCode == 0, await output + await errors);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
        await _azurite.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
