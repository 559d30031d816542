using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SpeechToText.Core.Observability;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports <see cref="SttTelemetry"/> plus ASP.NET Core, HttpClient and runtime telemetry over OTLP and/or to
    /// Application Insights, when either is configured. Otherwise registers nothing, so no listener exists and
    /// every span and measurement is skipped at its source. Returns the builder (for host-specific additions), or
    /// null when telemetry is off.
    /// </summary>
    public static IOpenTelemetryBuilder? AddSpeechToTextTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelemetryOptions.Section);
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var (otlp, appInsights) = TelemetryOptions.Destinations(configuration, options);
        if (!otlp && !appInsights)
        {
            return null;
        }

        IOpenTelemetryBuilder builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(t => t
                .AddSource(SttTelemetry.Name)
                // Probes would drown the traces that matter.
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(SttTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        if (otlp)
        {
            // Without an explicit endpoint the exporter reads the OTEL_EXPORTER_OTLP_* variables itself.
            builder = options.OtlpEndpoint is { } endpoint
                ? builder.UseOtlpExporter(options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf, endpoint)
                : builder.UseOtlpExporter();
        }
        if (appInsights)
        {
            builder = builder.UseAzureMonitorExporter();
            if (UsesEntraId(configuration[TelemetryOptions.AppInsightsAuthVariable]))
            {
                // Local authentication is off on our Application Insights resource: ingest with the service's one
                // credential (section "Identity", registered by the Storage layer), the exporter reads these options.
                services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((o, credential) => o.Credential = credential);
            }
        }
        return builder;
    }

    /// <summary>
    /// Whether Azure's authentication string ("ClientId=&lt;guid&gt;;Authorization=AAD") asks for Microsoft Entra ID
    /// ingestion. Its client id names the identity Azure expects; the service's one credential is that identity
    /// when Identity:ManagedIdentityClientId is the same id (what infra/ sets).
    /// </summary>
    internal static bool UsesEntraId(string? authentication) =>
        (authentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Any(pair => pair is [var key, var mode] && key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                && mode.Equals("AAD", StringComparison.OrdinalIgnoreCase));
}
