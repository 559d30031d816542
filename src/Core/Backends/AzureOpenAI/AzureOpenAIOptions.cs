using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Models;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>Section "AzureOpenAI": the deployments and how calls to them are retried.</summary>
public sealed class AzureOpenAIOptions
{
    public const string Section = "AzureOpenAI";

    public List<AzureDeploymentOptions> Deployments { get; set; } = [];

    /// <summary>Retries after the first attempt for 408/429/5xx and connection failures.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles per retry, with jitter, unless the upstream sends Retry-After.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest single wait between attempts (a longer Retry-After ends the retries).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    public IEnumerable<ModelEntry> Entries() => Deployments.Select(d => new ModelEntry
    {
        Id = d.Id,
        Backend = BackendKind.AzureOpenAI,
        Kind = d.ParsedKind,
        Capabilities = ModelCapabilities.For(d.ParsedKind),
        Deployment = d.DeploymentName,
        Fallbacks = d.Fallbacks,
        Description = $"Azure OpenAI deployment '{d.DeploymentName}' ({d.Kind}) at {SafeHost(d.Endpoint)}"
            + (string.IsNullOrEmpty(d.ApiVersion) ? "" : $", api-version {d.ApiVersion}"),
    });

    private static string SafeHost(string endpoint) => Uri.TryCreate(endpoint, UriKind.Absolute, out var u) ? u.Host : "?";
}
