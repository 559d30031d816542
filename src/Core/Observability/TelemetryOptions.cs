using Microsoft.Extensions.Configuration;

namespace SpeechToText.Core.Observability;

/// <summary>
/// Section "Telemetry". Nothing is exported unless an OTLP endpoint (this section or the standard
/// OTEL_EXPORTER_OTLP_ENDPOINT) or an Application Insights connection string is configured.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The standard OpenTelemetry variable; the exporter also honours the other OTEL_* variables.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Set by Azure (App Service, Functions) when the app is linked to Application Insights.</summary>
    public const string AppInsightsVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Azure's "ClientId=&lt;guid&gt;;Authorization=AAD": export to Application Insights with that managed identity.</summary>
    public const string AppInsightsAuthVariable = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>An OTLP collector's base address (the signal paths /v1/traces, /v1/metrics are added for http/protobuf). Wins over OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (OpenTelemetry's default, port 4317) or "http/protobuf" (port 4318), for <see cref="OtlpEndpoint"/>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>service.name on every span and metric (OTEL_SERVICE_NAME wins).</summary>
    public string ServiceName { get; set; } = "speech-to-text";

    /// <summary>What the configuration asks to export to.</summary>
    internal static (bool Otlp, bool AppInsights) Destinations(IConfiguration configuration, TelemetryOptions options) =>
        (options.OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]),
         !string.IsNullOrWhiteSpace(configuration[AppInsightsVariable]));
}
