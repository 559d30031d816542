using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Configuration;

namespace SpeechToText.Core.Usage;

/// <summary>Start-time checks of <see cref="UsageOptions"/>: names storage accepts, Azure's append-blob limits, sane timings.</summary>
internal sealed partial class UsageOptionsValidator : IValidateOptions<UsageOptions>
{
    public ValidateOptionsResult Validate(string? name, UsageOptions o)
    {
        var failures = new OptionFailures(UsageOptions.Section);
        if (o.Container is null || !ContainerName().IsMatch(o.Container))
        {
            failures.Add($"Usage:Container '{o.Container}' is not a valid container name (3-63 lower-case letters, digits, single hyphens).");
        }
        failures.Required(nameof(o.LocalDirectory), o.LocalDirectory);
        if (o.InstanceId is null || !InstanceName().IsMatch(o.InstanceId))
        {
            failures.Add($"Usage:InstanceId '{o.InstanceId}' may use letters, digits, '.', '_' and '-' (1 to 100 of them).");
        }
        failures.Range(nameof(o.FlushInterval), o.FlushInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1));
        failures.Range(nameof(o.BatchSize), o.BatchSize, 1, 1_000_000);
        failures.Range(nameof(o.MaxBufferedRecords), o.MaxBufferedRecords, 1, 10_000_000);
        failures.Range(nameof(o.RetryBaseDelay), o.RetryBaseDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        failures.Range(nameof(o.RetryMaxDelay), o.RetryMaxDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        failures.Range(nameof(o.FlushTimeout), o.FlushTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        failures.Range(nameof(o.MaxBlockBytes), o.MaxBlockBytes, 1024, 4 * 1024 * 1024);
        failures.Range(nameof(o.MaxBlocksPerBlob), o.MaxBlocksPerBlob, 1, 50_000);
        failures.Range(nameof(o.MaxQueryDays), o.MaxQueryDays, 1, 3660);
        return failures.Result();
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex InstanceName();
}
