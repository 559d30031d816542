using Microsoft.Extensions.Options;
using SpeechToText.Core.Configuration;

namespace SpeechToText.Core.Http;

/// <summary>Start-time checks of <see cref="ApiOptions"/>: every limit within what the reader can honour.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions o)
    {
        var failures = new OptionFailures(ApiOptions.Section);
        failures.Range(nameof(o.MaxUploadBytes), o.MaxUploadBytes, 1, long.MaxValue);
        failures.Range(nameof(o.MaxFormOverheadBytes), o.MaxFormOverheadBytes, 0, 256L * 1024 * 1024);
        failures.Range(nameof(o.MaxParts), o.MaxParts, 2, 10_000);
        failures.Range(nameof(o.MaxFieldBytes), o.MaxFieldBytes, 16, 16 * 1024 * 1024);
        failures.Range(nameof(o.MaxPartHeaderBytes), o.MaxPartHeaderBytes, 256, 1024 * 1024);
        failures.Range(nameof(o.MemoryThresholdBytes), o.MemoryThresholdBytes, 0, 256 * 1024 * 1024);
        failures.Range(nameof(o.UploadTimeout), o.UploadTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        return failures.Result();
    }
}
