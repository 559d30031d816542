using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Routing;

namespace SpeechToText.Core.Engines.AzureOpenAI;

/// <summary>One Azure OpenAI deployment served under a public model id.</summary>
public sealed class AzureDeploymentOptions
{
    /// <summary>The public model id clients send (e.g. "gpt-4o-transcribe" or "whisper-azure").</summary>
    public string Id { get; set; } = "";

    /// <summary>https://&lt;resource&gt;.openai.azure.com (the service calls its /openai/v1/ API).</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The deployment name, sent upstream as the model field. Defaults to <see cref="Id"/>.</summary>
    public string? Deployment { get; set; }

    /// <summary>whisper | gpt-4o-transcribe | gpt-4o-mini-transcribe | gpt-4o-transcribe-diarize.</summary>
    public string Kind { get; set; } = "";

    /// <summary>
    /// Optional API key. Without one the service authenticates with Microsoft Entra ID (managed identity in
    /// Azure, developer credentials locally), which is the recommended setup.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Optional api-version (for example 2025-03-01-preview). Unset: calls go to the v1 route
    /// (/openai/v1/audio/...). Set: to the dated route /openai/deployments/{Deployment}/audio/...?api-version=, which
    /// some deployments need (they answer 404 DeploymentNotFound on the v1 route).
    /// </summary>
    public string? ApiVersion { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one / DefaultAzureCredential.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Deadline of one call including its retries.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Model ids to try, in order, when this deployment is throttled or down (e.g. "whisper-1" → the local engine).</summary>
    public List<string> Fallbacks { get; set; } = [];

    public string DeploymentName => string.IsNullOrWhiteSpace(Deployment) ? Id : Deployment;

    public ModelKind ParsedKind => Kind.Trim().ToLowerInvariant() switch
    {
        "whisper" => ModelKind.Whisper,
        "gpt-4o-transcribe" => ModelKind.Gpt4oTranscribe,
        "gpt-4o-mini-transcribe" => ModelKind.Gpt4oMiniTranscribe,
        "gpt-4o-transcribe-diarize" => ModelKind.Gpt4oTranscribeDiarize,
        _ => throw new InvalidOperationException($"Unknown Azure OpenAI deployment kind '{Kind}'."),
    };
}

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

/// <summary>Start-time checks with messages that name the key to fix.</summary>
public sealed partial class AzureOpenAIOptionsValidator : IValidateOptions<AzureOpenAIOptions>
{
    private static readonly string[] Kinds = ["whisper", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-transcribe-diarize"];

    public ValidateOptionsResult Validate(string? name, AzureOpenAIOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add("AzureOpenAI:MaxRetries must be between 0 and 10.");
        }
        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add("AzureOpenAI:RetryBaseDelay must be positive and not above AzureOpenAI:RetryMaxDelay.");
        }
        for (int i = 0; i < options.Deployments.Count; i++)
        {
            var d = options.Deployments[i];
            var key = $"AzureOpenAI:Deployments:{i}";
            if (string.IsNullOrWhiteSpace(d.Id))
            {
                errors.Add($"{key}:Id is required (the public model id clients send).");
            }
            if (!Uri.TryCreate(d.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                errors.Add($"{key}:Endpoint must be an absolute URL such as https://<resource>.openai.azure.com (got '{d.Endpoint}').");
            }
            else if (uri.Scheme == "http" && !uri.IsLoopback)
            {
                errors.Add($"{key}:Endpoint must use https (plain http is accepted only for loopback test servers).");
            }
            if (!Kinds.Contains(d.Kind.Trim().ToLowerInvariant()))
            {
                errors.Add($"{key}:Kind must be one of {string.Join(", ", Kinds)} (got '{d.Kind}').");
            }
            if (d.ApiVersion is { Length: > 0 } version && !ApiVersionPattern().IsMatch(version))
            {
                errors.Add($"{key}:ApiVersion must be a dated api-version such as 2025-03-01-preview or 2024-10-21 (got '{version}'); leave it unset for the v1 route.");
            }
            if (d.Timeout <= TimeSpan.Zero || d.Timeout > TimeSpan.FromHours(1))
            {
                errors.Add($"{key}:Timeout must be between 0 and 1 hour.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$")]
    private static partial Regex ApiVersionPattern();
}
