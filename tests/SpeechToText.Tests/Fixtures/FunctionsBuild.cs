using System.Reflection;
using System.Text.Json;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// The Functions worker as this test run built it (the test project references src/Functions for build order
/// only): the functions.metadata the Functions SDK generated, which is what a Functions host indexes.
/// </summary>
public static class FunctionsBuild
{
    /// <summary>src/Functions/bin/&lt;this run's configuration&gt;/net10.0/, stamped into the test assembly at build time.</summary>
    public static string OutputDirectory { get; } = typeof(FunctionsBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FunctionsOutputDirectory").Value!;

    public static string MetadataPath => Path.Combine(OutputDirectory, "functions.metadata");

    /// <summary>The Event Grid-sourced blob trigger: its function name, blob path and connection.</summary>
    public static (string Function, string Path, string Connection) BlobTrigger()
    {
        Assert.True(File.Exists(MetadataPath), $"{MetadataPath} is missing: src/Functions was not built by this run");
        using var doc = JsonDocument.Parse(File.ReadAllText(MetadataPath));
        var triggers = doc.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Select(b => (Function: f.GetProperty("name").GetString()!, Binding: b)))
            .Where(x => x.Binding.GetProperty("type").GetString() == "blobTrigger")
            .ToList();
        var (function, binding) = Assert.Single(triggers);
        Assert.Equal("EventGrid", binding.GetProperty("source").GetString());
        return (function, binding.GetProperty("path").GetString()!, binding.GetProperty("connection").GetString()!);
    }
}
