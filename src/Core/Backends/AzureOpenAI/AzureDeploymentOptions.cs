using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Models;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>One Azure OpenAI deployment served under a public model id.</summary>
public sealed class AzureDeploymentOptions
{
    /// <summary>The public model id clients send (e.g. "gpt-4o-transcribe" or "whisper-azure").</summary>
    public string Id { get; set; } = "";

    /// <summary>https://&lt;resource&gt;.openai.azure.com (the service calls its /openai/v1/ API).</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The deployment name, sent upstream as the model field. Defaults to <see cref="Id"/>.</summary>
    public string? Deployment { get; set; }

    /// <summary>whisper | gpt-4o-transcribe | gpt-4o-mini-transcribe | gpt-4o-mini-transcribe-2025-12-15 | gpt-4o-transcribe-diarize | gpt-transcribe.</summary>
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

    /// <summary>Deadline of one call including its retries.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Model ids to try, in order, when this deployment is throttled or down (e.g. "whisper-1" → the local engine).</summary>
    public List<string> Fallbacks { get; set; } = [];

    public string DeploymentName => string.IsNullOrWhiteSpace(Deployment) ? Id : Deployment;

    public ModelKind ParsedKind => ModelKindNames.TryParse(Kind, out var kind)
        ? kind
        : throw new InvalidOperationException($"Unknown Azure OpenAI deployment kind '{Kind}'.");
}
