using Microsoft.Extensions.Options;
using SpeechToText.Core.Configuration;

namespace SpeechToText.Core.Observability;

/// <summary>Start-time checks of <see cref="TelemetryOptions"/>: an exporter address and protocol it can use, a service name.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions o)
    {
        var failures = new OptionFailures(TelemetryOptions.Section);
        if (o.OtlpEndpoint is { } uri && (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https")))
        {
            failures.Add("Telemetry:OtlpEndpoint must be an absolute http(s) URL such as http://collector:4317.");
        }
        if (o.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            failures.Add($"Telemetry:OtlpProtocol must be grpc or http/protobuf (got '{o.OtlpProtocol}').");
        }
        failures.Required(nameof(o.ServiceName), o.ServiceName);
        return failures.Result();
    }
}
