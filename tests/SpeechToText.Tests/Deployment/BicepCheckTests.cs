using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Deployment;

/// <summary>
/// scripts/check-infra.sh: the real Bicep compiler builds and lints infra/ and both parameter files with no
/// diagnostic at all, and the same check fails on broken copies, so a pass means something.
/// </summary>
public sealed class BicepCheckTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private static readonly string Infra = Path.Combine(RepoPaths.Root, "infra");

    [Fact]
    public void The_infrastructure_compiles_and_lints_with_no_diagnostic()
    {
        Assert.True(infra.ExitCode == 0, infra.Output);
        int bicepFiles = Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories).Count();
        int paramFiles = Directory.EnumerateFiles(Path.Combine(Infra, "environments"), "*.bicepparam").Count();
        Assert.Equal(2, paramFiles);
        Assert.Matches($@"bicep 0\.49\.2: {bicepFiles} \.bicep file\(s\) built and linted, {paramFiles} parameter file\(s\) built, 0 diagnostic\(s\)", infra.Output);
        Assert.Equal(["full", "minimal"], infra.Environments.Keys.Order());
    }

    [Fact]
    public void The_linter_rules_worth_keeping_are_errors_in_bicepconfig()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "bicepconfig.json")));
        var rules = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules");
        foreach (var rule in new[] { "use-recent-api-versions", "no-hardcoded-env-urls", "secure-parameter-default", "secure-secrets-in-params",
                     "outputs-should-not-contain-secrets", "use-secure-value-for-secure-inputs", "no-unused-params", "what-if-short-circuiting" })
        {
            Assert.Equal("error", rules.GetProperty(rule).GetProperty("level").GetString());
        }
    }

    [Fact]
    public async Task A_misspelt_property_fails_the_check_although_bicep_only_warns()
    {
        var copy = CopyInfra(withEnvironments: false);
        try
        {
            var app = Path.Combine(copy, "app", "functions.bicep");
            var text = await File.ReadAllTextAsync(app);
            Assert.Contains("perInstanceConcurrency: httpPerInstanceConcurrency", text);
            await File.WriteAllTextAsync(app, text.Replace("perInstanceConcurrency: httpPerInstanceConcurrency", "perInstanceConcurency: httpPerInstanceConcurrency"));

            var (exitCode, output) = await CompiledInfra.RunCheckAsync(copy, Path.Combine(copy, "out"), CompiledInfra.EnvironmentVariables());

            Assert.True(exitCode == 1, output);
            Assert.Matches(@"app/functions\.bicep\(\d+,\d+\) : Warning BCP089: The property ""perInstanceConcurency"" is not allowed", output);
            Assert.Matches(@"[1-9]\d* diagnostic\(s\)", output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task A_parameter_file_with_a_deployment_kind_the_service_does_not_know_fails_the_check()
    {
        var copy = CopyInfra(withEnvironments: true);
        try
        {
            var full = Path.Combine(copy, "environments", "full.bicepparam");
            var text = await File.ReadAllTextAsync(full);
            await File.WriteAllTextAsync(full, text.Replace("kind: 'gpt-4o-mini-transcribe'", "kind: 'gpt-4o-mini-transcriber'"));

            var (exitCode, output) = await CompiledInfra.RunCheckAsync(copy, Path.Combine(copy, "out"), CompiledInfra.EnvironmentVariables());

            Assert.True(exitCode == 1, output);
            Assert.Matches(@"environments/full\.bicepparam\(\d+,\d+\) : Error BCP\d+: .*gpt-4o-mini-transcriber", output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static string CopyInfra(bool withEnvironments)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"stt-infra-broken-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(Infra, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(Infra, file);
            if (!withEnvironments && rel.StartsWith("environments", StringComparison.Ordinal))
            {
                continue;
            }
            var target = Path.Combine(copy, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }
}
