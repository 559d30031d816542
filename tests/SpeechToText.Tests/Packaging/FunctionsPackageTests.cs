using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Packaging;

/// <summary>
/// The deployable zip: its layout is complete, and its native parts (whisper.cpp, ffmpeg, the VAD model) load
/// and run from the unpacked folder, driven by src/Server (the Functions host cannot run here; both
/// hosts run the same Core with the same native/ and models/ layout).
/// </summary>
public sealed class FunctionsPackageTests(FunctionsPackage package) : IClassFixture<FunctionsPackage>
{
    private static readonly string[] Required =
    [
        "host.json", "worker.config.json", "functions.metadata", "extensions.json", "SpeechToText.Functions.dll",
        "SpeechToText.Functions.runtimeconfig.json", "native/libwhisper.so.1", "native/libggml.so.0", "native/libggml-base.so.0",
        "native/libggml-cpu-x64.so", "native/libggml-cpu-haswell.so", "native/libggml-cpu-zen4.so", "native/ffmpeg", "models/ggml-silero-v6.2.0.bin",
    ];

    /// <summary>
    /// The host extensions each binding type of functions.metadata needs (names in extensions.json); timers are the
    /// host's own.
    /// </summary>
    private static readonly Dictionary<string, string[]> ExtensionsOfBinding = new()
    {
        ["blobTrigger"] = ["AzureStorageBlobs"],
        ["orchestrationTrigger"] = ["DurableTask"],
        ["activityTrigger"] = ["DurableTask"],
        ["durableClient"] = ["DurableTask"],
        ["timerTrigger"] = [],
    };

    private Dictionary<string, string?> UnpackedNative(string? model) => new()
    {
        ["Whisper__NativeDirectory"] = Path.Combine(package.Unpacked, "native"),
        ["Whisper__VadModelPath"] = Path.Combine(package.Unpacked, "models", "ggml-silero-v6.2.0.bin"),
        ["FFMPEG_PATH"] = Path.Combine(package.Unpacked, "native", "ffmpeg"),
        ["Audio__FfmpegPath"] = Path.Combine(package.Unpacked, "native", "ffmpeg"),
        ["Whisper__ModelPath"] = model ?? "",
        ["WHISPER_MODEL"] = "",
    };

    [Fact]
    public void The_zip_holds_the_native_libraries_ffmpeg_the_VAD_model_and_host_json()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var entries = zip.Entries.ToDictionary(e => e.FullName);
        Assert.All(Required, name => Assert.True(entries.ContainsKey(name), $"{name} is missing from the zip"));
        // Unix mode in the upper 16 bits of the external attributes: ffmpeg must stay executable.
        var mode = (UnixFileMode)((entries["native/ffmpeg"].ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"native/ffmpeg has mode {mode}");
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(Path.Combine(package.Unpacked, "native", "ffmpeg")) & UnixFileMode.UserExecute) != 0,
                "ExtractToDirectory dropped ffmpeg's execute bit");
        }
    }

    [Fact]
    public void The_script_says_whether_the_whisper_model_is_in_the_package()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        bool hasModel = zip.Entries.Any(e => e.FullName == "models/ggml-tiny.en.bin");
        Assert.Contains(hasModel ? "whisper model: ggml-tiny.en.bin (SHA-1 verified)" : "packaging WITHOUT a whisper model", package.ScriptOutput);
    }

    [Fact]
    public void Worker_config_starts_this_worker_with_worker_indexing()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Unpacked, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("SpeechToText.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.Equal("true", description.GetProperty("workerIndexing").GetString(), ignoreCase: true);
        Assert.True(File.Exists(Path.Combine(package.Unpacked, description.GetProperty("defaultWorkerPath").GetString()!)));
    }

    [Fact]
    public void Extensions_json_lists_the_host_extension_of_every_binding_and_each_is_in_the_package()
    {
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Unpacked, "extensions.json")));
        var listed = extensions.RootElement.GetProperty("extensions").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("hintPath").GetString()!);
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Unpacked, "functions.metadata")));
        var bindingTypes = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!))
            .Where(t => t != "httpTrigger" && t != "http")   // HTTP is the host's own, served through the worker's ASP.NET Core
            .ToHashSet();
        Assert.NotEmpty(bindingTypes);
        var needed = bindingTypes.SelectMany(t => ExtensionsOfBinding.TryGetValue(t, out var e) ? e : [$"<no known extension for binding '{t}'>"]).ToHashSet();
        Assert.Subset(listed.Keys.ToHashSet(), needed);
        // Nothing beyond what the bindings need, but the SDK's own metadata loader.
        Assert.Equal(needed.Append("Startup").Order(), listed.Keys.Order());
        foreach (var (name, hint) in listed)
        {
            Assert.StartsWith("./.azurefunctions/", hint);
            Assert.True(File.Exists(Path.Combine(package.Unpacked, hint)), $"extension {name}: {hint} is not in the package");
        }
    }

    [Fact]
    public void Nothing_for_other_platforms_is_packaged()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var foreign = zip.Entries.Select(e => e.FullName)
            .Where(n => Regex.IsMatch(n, @"(^|/)runtimes/(?!linux-x64/|linux/|unix/)") || n.EndsWith(".dylib", StringComparison.Ordinal)
                || Regex.IsMatch(n, @"(^|/)native/.*\.dll$") || n.EndsWith(".exe", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(foreign);
        // Every native library is an x86-64 ELF file (e_machine 0x3E).
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("native/", StringComparison.Ordinal) && e.Length > 0))
        {
            using var stream = entry.Open();
            var header = new byte[20];
            stream.ReadExactly(header);
            Assert.True(header[0] == 0x7F && header[1] == 'E' && header[2] == 'L' && header[3] == 'F', $"{entry.FullName} is not an ELF file");
            Assert.True(header[18] == 0x3E && header[19] == 0, $"{entry.FullName} is not x86-64");
        }
    }

    [Fact]
    public async Task The_unpacked_native_folder_transcribes_an_mp3()
    {
        await using var server = await ServerProcess.StartAsync(UnpackedNative(TestModels.Test));
        using var response = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Mp3, "whisper-1"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + "\n" + server.Logs);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("text", out _), body);
        // whisper.cpp and ggml were mapped from the unpacked folder (which holds only the soname files), not from
        // the test's own native/.
        var maps = await File.ReadAllTextAsync($"/proc/{server.ProcessId}/maps");
        Assert.Contains(Path.Combine(package.Unpacked, "native", "libwhisper.so.1"), maps);
        // ... and so was the CPU variant /health names.
        using var health = JsonDocument.Parse(await server.Client.GetStringAsync("health"));
        var variant = health.RootElement.GetProperty("engine").GetProperty("cpu").GetProperty("variant").GetString();
        Assert.Contains(Path.Combine(package.Unpacked, "native", $"libggml-cpu-{variant}.so"), maps);
    }

    [Fact]
    public async Task Without_a_whisper_model_health_and_models_say_the_local_model_is_unavailable()
    {
        await using var server = await ServerProcess.StartAsync(UnpackedNative(model: null));
        // The model load runs in the background from the start; wait until it has reported its outcome.
        var health = JsonDocument.Parse(await server.Client.GetStringAsync("health"));
        for (int i = 0; i < 100 && !health.RootElement.GetProperty("local_model").TryGetProperty("error", out _); i++)
        {
            health.Dispose();
            await Task.Delay(100);
            health = JsonDocument.Parse(await server.Client.GetStringAsync("health"));
        }
        using var final = health;
        Assert.Equal("degraded", final.RootElement.GetProperty("status").GetString());
        var local = final.RootElement.GetProperty("local_model");
        Assert.False(local.GetProperty("loaded").GetBoolean());
        Assert.Contains("No whisper model is configured", local.GetProperty("error").GetString());
        using var models = JsonDocument.Parse(await server.Client.GetStringAsync("v1/models"));
        var whisper1 = models.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "whisper-1");
        Assert.False(whisper1.GetProperty("available").GetBoolean());
    }
}
