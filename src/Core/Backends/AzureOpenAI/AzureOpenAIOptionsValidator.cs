using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Models;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>Start-time checks with messages that name the key to fix.</summary>
public sealed partial class AzureOpenAIOptionsValidator : IValidateOptions<AzureOpenAIOptions>
{

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
            if (!ModelKindNames.TryParse(d.Kind, out _))
            {
                errors.Add($"{key}:Kind must be one of {string.Join(", ", ModelKindNames.All)} (got '{d.Kind}').");
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
