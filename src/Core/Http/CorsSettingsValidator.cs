using Microsoft.Extensions.Options;
using SpeechToText.Core.Configuration;

namespace SpeechToText.Core.Http;

/// <summary>Start-time checks of <see cref="CorsSettings"/>: every allowed origin is an origin, the preflight cache at most a day.</summary>
internal sealed class CorsSettingsValidator : IValidateOptions<CorsSettings>
{
    public ValidateOptionsResult Validate(string? name, CorsSettings o)
    {
        var failures = new OptionFailures(CorsSettings.Section);
        foreach (var origin in o.AllowedOrigins)
        {
            if (origin != "*" && !IsOrigin(origin))
            {
                failures.Add($"Cors:AllowedOrigins entry '{origin}' is not an origin: use scheme://host[:port] (no path), or * for any origin.");
            }
        }
        failures.Range(nameof(o.PreflightMaxAge), o.PreflightMaxAge, TimeSpan.Zero, TimeSpan.FromDays(1));
        return failures.Result();
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && !value.EndsWith('/') && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}
