using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
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
            var clientId = ManagedIdentityClientId(configuration[TelemetryOptions.AppInsightsAuthVariable]);
            builder = builder.UseAzureMonitorExporter(o =>
            {
                if (clientId is not null)
                {
                    // Local authentication is off on our Application Insights resource: ingest with the app's identity.
                    o.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        }
        return builder;
    }

    /// <summary>The client id in Azure's "ClientId=&lt;guid&gt;;Authorization=AAD", or null.</summary>
    internal static string? ManagedIdentityClientId(string? authentication)
    {
        string? mode = null, clientId = null;
        foreach (var part in (authentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair is ["Authorization" or "authorization", var m])
            {
                mode = m;
            }
            else if (pair is ["ClientId" or "clientid", var c])
            {
                clientId = c;
            }
        }
        return "AAD".Equals(mode, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(clientId) ? clientId : null;
    }
}
