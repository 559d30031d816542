using Microsoft.Extensions.Options;
using SpeechToText.Core.Http;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Usage;

namespace SpeechToText.UnitTests.Configuration;

/// <summary>The validators that replaced data annotations: defaults pass, each bad value is named by its key.</summary>
public class OptionValidatorsTests
{
    private static IReadOnlyList<string> Failures<T>(IValidateOptions<T> validator, T options) where T : class
    {
        var result = validator.Validate(null, options);
        return result.Succeeded ? [] : [.. result.Failures!];
    }

    [Fact]
    public void Defaults_pass()
    {
        Assert.Empty(Failures(new ApiOptionsValidator(), new ApiOptions()));
        Assert.Empty(Failures(new UsageOptionsValidator(), new UsageOptions()));
        Assert.Empty(Failures(new CorsSettingsValidator(), new CorsSettings()));
        Assert.Empty(Failures(new TelemetryOptionsValidator(), new TelemetryOptions()));
    }

    [Fact]
    public void Api_limits_out_of_range_are_named_with_the_value_they_got()
    {
        var failures = Failures(new ApiOptionsValidator(), new ApiOptions
        {
            MaxUploadBytes = 0, MaxParts = 1, MaxPartHeaderBytes = 100, UploadTimeout = TimeSpan.FromHours(2),
        });
        Assert.Equal(4, failures.Count);
        Assert.Contains("Api:MaxUploadBytes must be between 1 and 9223372036854775807 (got 0).", failures);
        Assert.Contains("Api:MaxParts must be between 2 and 10000 (got 1).", failures);
        Assert.Contains("Api:MaxPartHeaderBytes must be between 256 and 1048576 (got 100).", failures);
        Assert.Contains("Api:UploadTimeout must be between 00:00:01 and 01:00:00 (got 02:00:00).", failures);
    }

    [Theory]
    [InlineData("Usage", "ab")]
    [InlineData("usage--log", "x")]
    [InlineData("-usage", "instance with spaces")]
    public void Usage_names_storage_would_refuse_are_rejected(string container, string instance)
    {
        var failures = Failures(new UsageOptionsValidator(), new UsageOptions { Container = container, InstanceId = instance });
        Assert.Contains(failures, f => f.StartsWith($"Usage:Container '{container}'", StringComparison.Ordinal));
        if (instance.Contains(' '))
        {
            Assert.Contains(failures, f => f.StartsWith($"Usage:InstanceId '{instance}'", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Usage_limits_follow_azure_append_blobs()
    {
        var failures = Failures(new UsageOptionsValidator(), new UsageOptions { MaxBlockBytes = 8 * 1024 * 1024, MaxBlocksPerBlob = 50_001, LocalDirectory = " " });
        Assert.Equal(3, failures.Count);
        Assert.Contains("Usage:MaxBlockBytes must be between 1024 and 4194304 (got 8388608).", failures);
        Assert.Contains("Usage:MaxBlocksPerBlob must be between 1 and 50000 (got 50001).", failures);
        Assert.Contains("Usage:LocalDirectory must be set.", failures);
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("http://localhost:5173", true)]
    [InlineData("*", true)]
    [InlineData("https://app.example.com/", false)]
    [InlineData("https://app.example.com/path", false)]
    [InlineData("app.example.com", false)]
    [InlineData("ftp://app.example.com", false)]
    public void Cors_origins_must_be_origins(string origin, bool valid)
    {
        var failures = Failures(new CorsSettingsValidator(), new CorsSettings { AllowedOrigins = [origin] });
        Assert.Equal(valid, failures.Count == 0);
    }

    [Fact]
    public void Telemetry_protocol_endpoint_and_name_are_checked()
    {
        var failures = Failures(new TelemetryOptionsValidator(), new TelemetryOptions
        {
            OtlpProtocol = "udp", OtlpEndpoint = new Uri("ftp://collector"), ServiceName = "",
        });
        Assert.Equal(3, failures.Count);
        Assert.Contains("Telemetry:OtlpProtocol must be grpc or http/protobuf (got 'udp').", failures);
    }
}
