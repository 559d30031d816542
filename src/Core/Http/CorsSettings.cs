using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Http;

/// <summary>
/// Section "Cors": browsers on other origins may call the API only when their origin is listed here. Off by
/// default: no Access-Control-* header is ever sent and preflights get no grant, so a page elsewhere cannot
/// read answers even from a server on the user's own machine.
/// </summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Origins such as https://app.example.com (scheme, host and port; no path), or "*" for any.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>How long a browser may cache a preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    public bool Enabled => AllowedOrigins.Count > 0;

    /// <summary>What OpenAI's SDKs send from a browser: auth (Bearer or Azure's api-key), multipart, and their own headers.</summary>
    internal static readonly string[] AllowedHeaders =
    [
        "Authorization", "Content-Type", "api-key", "OpenAI-Organization", "OpenAI-Project", "OpenAI-Beta",
        "X-Stainless-Arch", "X-Stainless-Lang", "X-Stainless-OS", "X-Stainless-Package-Version", "X-Stainless-Runtime",
        "X-Stainless-Runtime-Version", "X-Stainless-Retry-Count", "X-Stainless-Timeout", "X-Stainless-Helper-Method",
    ];

    /// <summary>Response headers a page may read besides the CORS-safelisted ones.</summary>
    internal static readonly string[] ExposedHeaders =
    [
        TranscriptionHandler.BackendHeader, TranscriptionHandler.FallbackHeader, TranscriptionHandler.ServerTimingHeader, "Retry-After",
    ];

    /// <summary>Registers the options and, only when origins are listed, ASP.NET Core's CORS policy for them.</summary>
    internal static void Register(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        services.AddOptions<CorsSettings>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CorsSettings>, CorsSettingsValidator>());
        var settings = section.Get<CorsSettings>() ?? new CorsSettings();
        if (!settings.Enabled)
        {
            return;
        }
        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            policy = settings.AllowedOrigins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins([.. settings.AllowedOrigins]);
            // No credentials: keys travel in headers, never in cookies.
            policy.WithMethods("GET", "POST").WithHeaders(AllowedHeaders).WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(settings.PreflightMaxAge);
        }));
    }
}
