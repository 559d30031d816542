namespace SpeechToText.Tests.FunctionsHost;

/// <summary>How a Functions host is started here: Core Tools' <c>func</c>, or the host's own WebHost dll with <c>dotnet</c>.</summary>
public sealed record FunctionsHostInstallation(string FileName, IReadOnlyList<string> Arguments, string? WorkingDirectory, string Description);

/// <summary>
/// Finds a Functions host: Azure Functions Core Tools (<c>func</c> on PATH), or <c>FUNCTIONS_HOST_DIR</c> naming a
/// folder with Microsoft.Azure.WebJobs.Script.WebHost.dll (a host built from Azure/azure-functions-host). Neither
/// can be installed by this project's scripts on its own machines (Core Tools downloads the host from a CDN they
/// cannot reach), so there the host tests are skipped with <see cref="SkipReason"/>; where a host exists they run.
/// </summary>
public static class FunctionsHostLocator
{
    public const string HostDirVariable = "FUNCTIONS_HOST_DIR";
    private const string WebHostDll = "Microsoft.Azure.WebJobs.Script.WebHost.dll";

    private static readonly Lazy<(FunctionsHostInstallation? Host, string? Reason)> Found = new(Find);

    public static FunctionsHostInstallation? Host => Found.Value.Host;

    /// <summary>Why there is no host, or null when there is one.</summary>
    public static string? SkipReason => Found.Value.Reason;

    private static (FunctionsHostInstallation?, string?) Find()
    {
        if (Environment.GetEnvironmentVariable(HostDirVariable) is { Length: > 0 } dir)
        {
            var dll = Path.Combine(dir, WebHostDll);
            return File.Exists(dll)
                ? (new FunctionsHostInstallation("dotnet", [dll], dir, $"{WebHostDll} in {dir}"), null)
                : (null, $"no Functions host: {HostDirVariable}={dir} has no {WebHostDll}");
        }
        var func = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, "func"))
            .FirstOrDefault(File.Exists);
        if (func is not null)
        {
            // Run in the script root (set per start); "host start" is what "func start" does for a built app.
            return (new FunctionsHostInstallation(func, ["host", "start"], null, $"Core Tools at {func}"), null);
        }
        return (null, $"no Functions host: Azure Functions Core Tools (func) is not on PATH and {HostDirVariable} is not set " +
            "(neither can be installed on this project's machines; the tests run where one exists)");
    }
}

/// <summary>A test that needs a Functions host: skipped, with the reason, where <see cref="FunctionsHostLocator"/> finds none.</summary>
public sealed class FunctionsHostFactAttribute : FactAttribute
{
    public FunctionsHostFactAttribute()
    {
        if (FunctionsHostLocator.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs a Functions host (see <see cref="FunctionsHostFactAttribute"/>).</summary>
public sealed class FunctionsHostTheoryAttribute : TheoryAttribute
{
    public FunctionsHostTheoryAttribute()
    {
        if (FunctionsHostLocator.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
