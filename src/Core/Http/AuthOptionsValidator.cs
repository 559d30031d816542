using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Http;

public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        for (int i = 0; i < options.Keys.Count; i++)
        {
            var hash = options.Keys[i].Sha256;
            if (hash is null || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
            {
                errors.Add($"Auth:Keys:{i}:Sha256 must be the 64-hex-digit SHA-256 of an API key (compute it with: dotnet run --project src/Server -- hash-key <key>).");
            }
            errors.AddRange(LimitErrors($"Auth:Keys:{i}", options.Keys[i]));
        }
        errors.AddRange(LimitErrors("Auth:DefaultLimits", options.DefaultLimits));
        foreach (var id in options.Keys.Where(k => k.Sha256?.Length >= 8).GroupBy(k => k.EffectiveId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"Auth:Keys: the id '{id.Key}' is used by {id.Count()} keys; usage and limits are kept per id, so ids must be unique.");
        }
        if (options.RequestsWindow <= TimeSpan.Zero || options.AudioSecondsWindow <= TimeSpan.Zero)
        {
            errors.Add("Auth:RequestsWindow and Auth:AudioSecondsWindow must be positive.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> LimitErrors(string prefix, KeyLimits limits)
    {
        if (limits.RequestsPerMinute is <= 0)
        {
            yield return $"{prefix}:RequestsPerMinute must be at least 1 (leave it unset for no limit).";
        }
        if (limits.AudioSecondsPerDay is <= 0)
        {
            yield return $"{prefix}:AudioSecondsPerDay must be positive (leave it unset for no limit).";
        }
        if (limits.MaxConcurrentRequests is <= 0)
        {
            yield return $"{prefix}:MaxConcurrentRequests must be at least 1 (leave it unset for no limit).";
        }
    }
}
