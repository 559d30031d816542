using System.Diagnostics;
using System.IO.Compression;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Packaging;

/// <summary>
/// scripts/package-functions.sh run once (offline, so the model step takes its "not reachable" path unless the
/// model is already cached) into a temp folder, and its zip unpacked the way Azure unpacks it.
/// </summary>
public sealed class FunctionsPackage : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"stt-package-{Guid.NewGuid():N}");

    public string Zip => Path.Combine(Folder, "functions.zip");

    public string Unpacked => Path.Combine(Folder, "unpacked");

    public string ScriptOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(RepoPaths.Root, "scripts", "package-functions.sh"), "--model", "tiny.en", "--out", Zip,
                     "--stage", Path.Combine(Folder, "stage") })
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["STT_OFFLINE"] = "1";
        psi.Environment["FUNCTIONS_RESTORE_TIMEOUT"] = "60";
        using var script = Process.Start(psi)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        ScriptOutput = await stdout + await stderr;
        if (script.ExitCode != 0)
        {
            throw new InvalidOperationException($"package-functions.sh failed ({script.ExitCode}):\n{ScriptOutput}");
        }
        ZipFile.ExtractToDirectory(Zip, Unpacked);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}
