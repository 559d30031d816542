using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Deployment;

/// <summary>One resource an environment would deploy, from Bicep's snapshot, with its expressions evaluated.</summary>
public sealed record ArmResource(string Type, string Name, object? Id, Dictionary<string, object?> Body)
{
    /// <summary>The value at a dotted path ("properties.sku.name"); null when any step is missing.</summary>
    public object? At(string path)
    {
        object? current = Body;
        foreach (var step in path.Split('.'))
        {
            if (current is not Dictionary<string, object?> d || !d.TryGetValue(step, out current))
            {
                return null;
            }
        }
        return current;
    }

    public Dictionary<string, object?> Object(string path) =>
        At(path) as Dictionary<string, object?> ?? throw new Xunit.Sdk.XunitException($"{Type} {Name} has no object at {path}");
}

/// <summary>A parameter file's environment: its parameter values and what it would deploy.</summary>
public sealed record CompiledEnvironment(string Name, Dictionary<string, object?> Parameters, IReadOnlyList<ArmResource> Resources,
    Dictionary<string, object?> Outputs)
{
    public IEnumerable<ArmResource> OfType(string type) => Resources.Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type) => Assert.Single(OfType(type));

    /// <summary>The value the environment gives a main.bicep parameter: the file's, else the template's default.</summary>
    public object? Parameter(string name, JsonElement template) =>
        Parameters.TryGetValue(name, out var v) ? v
        : ArmExpression.FromJson(template.GetProperty("parameters").GetProperty(name).GetProperty("defaultValue"));
}

/// <summary>
/// scripts/check-infra.sh run once over infra/ (the real Bicep compiler, offline): its output, the compiled ARM
/// template, and each parameter file's values and snapshot. The parameter files read identifying values from
/// the environment; the fixture supplies test values for them.
/// </summary>
public sealed class CompiledInfra : IAsyncLifetime
{
    public const string PrincipalId = "11111111-2222-3333-4444-555555555555";

    public static readonly string DefaultKeySha256 = Sha256Hex("sk-default-test-key");
    public static readonly string TeamAKeySha256 = Sha256Hex("sk-team-a-test-key");
    public static readonly string TeamBKeySha256 = Sha256Hex("sk-team-b-test-key");

    private readonly string _out = Path.Combine(Path.GetTempPath(), $"stt-infra-{Guid.NewGuid():N}");

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public JsonElement Template { get; private set; }

    public Dictionary<string, CompiledEnvironment> Environments { get; } = new(StringComparer.Ordinal);

    /// <summary>The variables the parameter files read (see their headers), with test values.</summary>
    public static Dictionary<string, string?> EnvironmentVariables(bool subscribeBlobEvents = true) => new()
    {
        ["STT_API_KEY_SHA256"] = DefaultKeySha256,
        ["STT_TEAM_A_KEY_SHA256"] = TeamAKeySha256,
        ["STT_TEAM_B_KEY_SHA256"] = TeamBKeySha256,
        ["AZURE_PRINCIPAL_ID"] = PrincipalId,
        ["SUBSCRIBE_BLOB_EVENTS"] = subscribeBlobEvents ? "true" : null,
        ["AZURE_ENV_NAME"] = null,
    };

    public static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task InitializeAsync()
    {
        (ExitCode, Output) = await RunCheckAsync(Path.Combine(RepoPaths.Root, "infra"), _out, EnvironmentVariables());
        if (ExitCode != 0)
        {
            return;   // the tests report the output
        }
        using (var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "main.json"))))
        {
            Template = template.RootElement.Clone();
        }
        foreach (var snapshot in Directory.EnumerateFiles(_out, "*.snapshot.json"))
        {
            var name = Path.GetFileName(snapshot)[..^".snapshot.json".Length];
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(snapshot));
            using var parameters = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, $"{name}.parameters.json")));
            var values = parameters.RootElement.GetProperty("parameters").EnumerateObject()
                .ToDictionary(p => p.Name, p => ArmExpression.FromJson(p.Value.GetProperty("value")), StringComparer.Ordinal);
            var resources = doc.RootElement.GetProperty("predictedResources").EnumerateArray().Select(r =>
            {
                var body = (Dictionary<string, object?>)ArmExpression.FromJson(r)!;
                return new ArmResource((string)body["type"]!, body["name"]?.ToString() ?? "", body.GetValueOrDefault("id"), body);
            }).ToList();
            var outputs = (Dictionary<string, object?>)ArmExpression.FromJson(doc.RootElement.GetProperty("outputs"))!;
            Environments[name] = new CompiledEnvironment(name, values, resources, outputs);
        }
    }

    /// <summary>Runs scripts/check-infra.sh over a folder; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunCheckAsync(string infraDir, string outDir, IReadOnlyDictionary<string, string?> environment)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "check-infra.sh"));
        psi.ArgumentList.Add("--out");
        psi.ArgumentList.Add(outDir);
        psi.ArgumentList.Add(infraDir);
        foreach (var (k, v) in environment)
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
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await stdout + await stderr);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_out, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}
