using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeechToText.Core.Api;
using SpeechToText.Tests.Infrastructure;

namespace SpeechToText.Tests.Deployment;

/// <summary>
/// What can be checked of infra/, host.json and src/Functions without a Bicep compiler, the Functions
/// packages or Azure: the real Bicep grammar accepts every file, and the files agree with each other and
/// with the options the code reads.
/// </summary>
public sealed partial class InfraTests
{
    private static readonly string Infra = Path.Combine(RepoPaths.Root, "infra");
    private static readonly string Functions = Path.Combine(RepoPaths.Root, "src", "Functions");

    // The blob pipeline's options are being built on another branch (jobsinfra). Until they are merged, the
    // names and defaults below (read from that branch's StorageOptions/PipelineOptions) stand in for them;
    // once the types exist in Core, reflection over the real types is used and these are ignored.
    private static readonly Dictionary<string, string[]> PendingSections = new()
    {
        ["Storage"] = ["ConnectionString", "BlobServiceUri", "QueueServiceUri", "ManagedIdentityClientId", "InputContainer",
            "OutputContainer", "JobsContainer", "ChunkQueue", "StitchQueue", "PoisonQueue"],
        ["Pipeline"] = ["Enabled", "DefaultModel", "MaxInputBytes", "MaxDurationHours", "DecodeTimeout", "LocalChunkTargetSeconds",
            "MaxAttempts", "WorkerConcurrency", "WatchInterval", "PollInterval", "VisibilityTimeout", "RetryBaseDelay", "RetryMaxDelay", "TempDirectory"],
    };

    private static readonly Dictionary<string, string> PendingStorageDefaults = new()
    {
        ["InputContainer"] = "audio-in", ["OutputContainer"] = "transcripts", ["JobsContainer"] = "stt-jobs",
        ["ChunkQueue"] = "stt-chunks", ["StitchQueue"] = "stt-stitch", ["PoisonQueue"] = "stt-poison",
    };

    private const int PendingMaxAttemptsDefault = 5;

    private static IEnumerable<string> BicepFiles => Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories);

    [Fact]
    public async Task Every_bicep_file_parses_with_the_real_Bicep_grammar()
    {
        var checker = Path.Combine(RepoPaths.Root, "tests", "bicep");
        Assert.True(Directory.Exists(Path.Combine(checker, "node_modules", "tree-sitter-bicep")),
            "tests/bicep/node_modules is missing: ./test.sh runs npm ci there");
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(checker, "check.mjs"));
        psi.ArgumentList.Add(Infra);
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(node.ExitCode == 0, await stdout + await stderr);
        Assert.Matches(@"^(\d+) Bicep file\(s\) parsed, 0 syntax error\(s\)", (await stdout).Trim());
        Assert.Contains($"{BicepFiles.Count()} Bicep file(s)", await stdout);
    }

    [Fact]
    public async Task The_syntax_check_rejects_a_broken_file()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.bicep");
        await File.WriteAllTextAsync(broken, "param name string\nresource x 'Microsoft.Web/sites@2024-04-01' = {\n  name: name\n");
        try
        {
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "bicep", "check.mjs"));
            psi.ArgumentList.Add(broken);
            using var node = Process.Start(psi)!;
            var stdout = await node.StandardOutput.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.Equal(1, node.ExitCode);
            Assert.Contains("missing }", stdout);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void Every_module_path_exists_and_gets_exactly_the_params_it_declares()
    {
        var problems = new List<string>();
        foreach (var file in BicepFiles)
        {
            foreach (var use in BicepText.Modules(File.ReadAllText(file)))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, use.Path));
                if (!File.Exists(target))
                {
                    problems.Add($"{Rel(file)}: module {use.Name} -> {use.Path} does not exist");
                    continue;
                }
                var declared = BicepText.Params(File.ReadAllText(target));
                foreach (var p in declared.Where(p => !p.HasDefault && !use.Params.Contains(p.Name)))
                {
                    problems.Add($"{Rel(file)}: module {use.Name} does not pass required param {p.Name} of {use.Path}");
                }
                foreach (var passed in use.Params.Where(k => declared.All(p => p.Name != k)))
                {
                    problems.Add($"{Rel(file)}: module {use.Name} passes {passed}, which {use.Path} does not declare");
                }
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Main_bicep_params_without_default_come_from_the_parameters_file_and_that_file_names_only_real_params()
    {
        var declared = BicepText.Params(File.ReadAllText(Path.Combine(Infra, "main.bicep")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "main.parameters.json")));
        var supplied = json.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
        var missing = declared.Where(p => !p.HasDefault && !supplied.Contains(p.Name)).Select(p => p.Name).ToList();
        var unknown = supplied.Where(s => declared.All(p => p.Name != s)).ToList();
        Assert.True(missing.Count == 0, "required params not supplied: " + string.Join(", ", missing));
        Assert.True(unknown.Count == 0, "parameters file names unknown params: " + string.Join(", ", unknown));
    }

    [Fact]
    public void App_setting_names_match_the_options_the_code_binds()
    {
        var settings = BicepText.SettingNames(File.ReadAllText(Path.Combine(Infra, "app", "functions.bicep")));
        Assert.Contains("AzureOpenAI__Deployments__0__Endpoint", settings);
        Assert.Contains("Storage__BlobServiceUri", settings);
        var connection = Constants(Path.Combine(Functions, "PipelineBindings.cs"))["Connection"];
        var sections = OptionSections();
        var problems = new List<string>();
        foreach (var name in settings)
        {
            var parts = name.Split("__");
            // The Functions host's own identity-based connections, not options of src/Core.
            if (parts[0] == "AzureWebJobsStorage" || parts[0] == connection)
            {
                if (parts.Length != 2 || parts[1] is not ("accountName" or "credential" or "clientId" or "blobServiceUri" or "queueServiceUri"))
                {
                    problems.Add($"{name}: not an identity-based connection setting");
                }
                continue;
            }
            if (sections.TryGetValue(parts[0], out var type))
            {
                if (Resolve(type, parts[1..]) is { } error)
                {
                    problems.Add($"{name}: {error}");
                }
            }
            else if (!(PendingSections.TryGetValue(parts[0], out var props) && parts.Length == 2 && props.Contains(parts[1])))
            {
                problems.Add($"{name}: no options section '{parts[0]}' in src/Core");
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Host_json_matches_the_pipeline_and_the_OpenAI_routes()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var root = host.RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        // The host emits OpenTelemetry too, correlated with the worker's (src/Functions Program.cs).
        Assert.Equal("OpenTelemetry", root.GetProperty("telemetryMode").GetString());
        Assert.Equal("", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var queues = root.GetProperty("extensions").GetProperty("queues");
        Assert.Equal(PipelineMaxAttemptsDefault(), queues.GetProperty("maxDequeueCount").GetInt32());
        // The pipeline's queue clients write base64 (JobStorage), which is what the queue trigger decodes.
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.True(TimeSpan.Parse(root.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.FromMinutes(30));
        var excluded = root.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings").GetProperty("excludedTypes").GetString();
        Assert.Contains("Request", excluded!.Split(';'));
    }

    [Fact]
    public void Container_and_queue_names_agree_across_bicep_functions_and_StorageOptions()
    {
        var defaults = StorageDefaults();
        var main = File.ReadAllText(Path.Combine(Infra, "main.bicep"));
        string BicepDefault(string param) => Regex.Match(main, $@"^param {param} string = '([^']+)'", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"main.bicep has no default for {param}");
        Assert.Equal(defaults["InputContainer"], BicepDefault("inputContainerName"));
        Assert.Equal(defaults["OutputContainer"], BicepDefault("outputContainerName"));
        Assert.Equal(defaults["JobsContainer"], BicepDefault("jobsContainerName"));
        Assert.Equal(defaults["ChunkQueue"], BicepDefault("chunkQueueName"));
        Assert.Equal(defaults["StitchQueue"], BicepDefault("stitchQueueName"));
        Assert.Equal(defaults["PoisonQueue"], BicepDefault("poisonQueueName"));

        var bindings = Constants(Path.Combine(Functions, "PipelineBindings.cs"));
        Assert.Equal(defaults["InputContainer"], bindings["InputContainer"]);
        Assert.Equal(defaults["ChunkQueue"], bindings["ChunkQueue"]);
        Assert.Equal(defaults["StitchQueue"], bindings["StitchQueue"]);
    }

    [Fact]
    public void The_event_subscription_targets_the_blob_triggered_function()
    {
        var subscription = File.ReadAllText(Path.Combine(Infra, "app", "blob-subscription.bicep"));
        var name = Regex.Match(subscription, @"^param functionName string = '([^']+)'", RegexOptions.Multiline).Groups[1].Value;
        var function = File.ReadAllText(Path.Combine(Functions, "Pipeline", "PlanJobFunction.cs"));
        Assert.Contains($"[Function(\"{name}\")]", function);
        Assert.Contains("Source = BlobTriggerSource.EventGrid", function);
        Assert.Contains("runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}", subscription);
    }

    private static string Rel(string path) => Path.GetRelativePath(RepoPaths.Root, path);

    private static Dictionary<string, string> Constants(string csFile) =>
        ConstString().Matches(File.ReadAllText(csFile)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>Core's options classes by section name (their <c>Section</c> or <c>SectionName</c> constant).</summary>
    private static Dictionary<string, Type> OptionSections() =>
        typeof(AudioApi).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static) ?? t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type);

    /// <summary>Walks a configuration path the way the binder does (properties by name, list indexes); null when it binds.</summary>
    private static string? Resolve(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (int.TryParse(segment, out _) && type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single();
                continue;
            }
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not { CanWrite: true })
            {
                return $"{type.Name} has no settable property '{segment}'";
            }
            type = property.PropertyType;
        }
        return null;
    }

    private static Type? CoreType(string name) => typeof(AudioApi).Assembly.GetType($"SpeechToText.Core.Jobs.{name}");

    private static Dictionary<string, string> StorageDefaults()
    {
        if (CoreType("StorageOptions") is not { } type)
        {
            return PendingStorageDefaults;
        }
        var instance = Activator.CreateInstance(type)!;
        return PendingStorageDefaults.Keys.ToDictionary(k => k, k => (string)type.GetProperty(k)!.GetValue(instance)!);
    }

    private static int PipelineMaxAttemptsDefault() =>
        CoreType("PipelineOptions") is { } type ? (int)type.GetProperty("MaxAttempts")!.GetValue(Activator.CreateInstance(type))! : PendingMaxAttemptsDefault;

    [GeneratedRegex(@"const string (\w+) = ""([^""]+)"";")]
    private static partial Regex ConstString();
}
