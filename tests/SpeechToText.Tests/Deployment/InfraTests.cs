using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeechToText.Core.Jobs;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Deployment;

/// <summary>
/// The files around the template: azd's main.parameters.json against the compiled template's parameters, and
/// host.json against the Functions app and the pipeline's options.
/// </summary>
public sealed partial class InfraTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    [Fact]
    public void Azds_parameters_file_sets_only_parameters_main_bicep_declares_with_values_of_their_type()
    {
        Assert.True(infra.ExitCode == 0, infra.Output);
        var declared = infra.Template.GetProperty("parameters");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.parameters.json")));
        var supplied = json.RootElement.GetProperty("parameters").EnumerateObject().ToList();
        var problems = new List<string>();
        foreach (var p in supplied)
        {
            if (!declared.TryGetProperty(p.Name, out var parameter))
            {
                problems.Add($"{p.Name}: main.bicep declares no such parameter");
                continue;
            }
            var type = parameter.GetProperty("type").GetString()!.ToLowerInvariant();
            var value = p.Value.GetProperty("value");
            if (value.ValueKind == JsonValueKind.String && AzdVariable().Match(value.GetString()!) is { Success: true } azd)
            {
                // azd substitutes ${NAME} or ${NAME=default} before deploying; the default must then fit the type.
                var fallback = azd.Groups["default"];
                if (fallback.Success && !Fits(type, fallback.Value))
                {
                    problems.Add($"{p.Name}: default '{fallback.Value}' is not a {type}");
                }
                if (!fallback.Success && type is "int" or "bool")
                {
                    problems.Add($"{p.Name}: a {type} parameter needs a default (${{{azd.Groups["name"].Value}=...}}) so an unset variable still deploys");
                }
            }
            else if (!Fits(type, value))
            {
                problems.Add($"{p.Name}: value {value} is not a {type}");
            }
        }
        var required = declared.EnumerateObject().Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Name);
        problems.AddRange(required.Where(r => supplied.All(s => s.Name != r)).Select(r => $"{r}: required by main.bicep but not supplied"));
        Assert.Empty(problems);
        Assert.Contains(supplied, s => s.Name == "apiKeySha256");
    }

    private static bool Fits(string type, string text) => type switch
    {
        "int" => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        "bool" => text is "true" or "false",
        "string" or "securestring" => true,
        _ => false,
    };

    private static bool Fits(string type, JsonElement value) => (type, value.ValueKind) switch
    {
        ("int", JsonValueKind.Number) => true,
        ("bool", JsonValueKind.True or JsonValueKind.False) => true,
        ("string" or "securestring", JsonValueKind.String) => true,
        ("array", JsonValueKind.Array) => true,
        ("object" or "secureobject", JsonValueKind.Object) => true,
        _ => false,
    };

    [Fact]
    public void Host_json_runs_the_durable_task_hub_on_the_pipelines_connection_and_keeps_the_OpenAI_routes()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var root = host.RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        // The host emits OpenTelemetry too, correlated with the worker's (src/Functions Program.cs).
        Assert.Equal("OpenTelemetry", root.GetProperty("telemetryMode").GetString());
        Assert.Equal("", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var durable = root.GetProperty("extensions").GetProperty("durableTask");
        // Its own hub name: never the local server's (they store activity inputs differently).
        Assert.NotEqual(new PipelineOptions().TaskHub, durable.GetProperty("hubName").GetString());
        var provider = durable.GetProperty("storageProvider");
        Assert.Equal("AzureStorage", provider.GetProperty("type").GetString());
        Assert.Equal(FunctionsBuild.BlobTrigger().Connection, provider.GetProperty("connectionName").GetString());
        // The provider refuses a control-queue visibility timeout under a minute.
        Assert.True(TimeSpan.Parse(provider.GetProperty("controlQueueVisibilityTimeout").GetString()!, CultureInfo.InvariantCulture) >= TimeSpan.FromMinutes(1));
        // Chunk activities per instance: the engine's slots on a 4096 MB instance (2), plus one for plan or stitch.
        Assert.Equal(3, durable.GetProperty("maxConcurrentActivityFunctions").GetInt32());
        Assert.False(root.GetProperty("extensions").TryGetProperty("queues", out _), "no queue trigger is left to configure");
        Assert.True(TimeSpan.Parse(root.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture) >= TimeSpan.FromMinutes(30));
        var excluded = root.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings").GetProperty("excludedTypes").GetString();
        Assert.Contains("Request", excluded!.Split(';'));
    }

    [GeneratedRegex(@"^\$\{(?<name>[A-Z0-9_]+)(=(?<default>[^}]*))?\}$")]
    private static partial Regex AzdVariable();
}
