using Microsoft.Extensions.Options;
using SpeechToText.Core.Configuration;

namespace SpeechToText.Core.Realtime;

/// <summary>Start-time checks of <see cref="RealtimeOptions"/>.</summary>
internal sealed class RealtimeOptionsValidator : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions o)
    {
        var failures = new OptionFailures(RealtimeOptions.Section);
        failures.Range(nameof(o.MaxSessionDuration), o.MaxSessionDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        failures.Range(nameof(o.IdleTimeout), o.IdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        failures.Range(nameof(o.MaxTurnAudio), o.MaxTurnAudio, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        failures.Range(nameof(o.MaxPendingTurns), o.MaxPendingTurns, 1, 1000);
        failures.Range(nameof(o.MaxSessionsPerKey), o.MaxSessionsPerKey, 1, 100_000);
        failures.Range(nameof(o.MaxEventBytes), o.MaxEventBytes, 1024, 64 * 1024 * 1024);
        failures.Range(nameof(o.ClientSecretLifetime), o.ClientSecretLifetime, TimeSpan.FromSeconds(10), o.MaxClientSecretLifetime);
        failures.Range(nameof(o.MaxClientSecretLifetime), o.MaxClientSecretLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));
        failures.Range(nameof(o.MaxClientSecrets), o.MaxClientSecrets, 1, 10_000_000);
        return failures.Result();
    }
}
