using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Api;

/// <summary>
/// Per-key limits on the audio endpoints; unset = no limit. Set on a key (<c>Auth:Keys:N:*</c>) or for every
/// key (<c>Auth:DefaultLimits:*</c>); a key's own value wins. Counted per instance (see <see cref="KeyLimiter"/>).
/// </summary>
public class KeyLimits
{
    /// <summary>Audio requests started per <see cref="AuthOptions.RequestsWindow"/> (a minute by default).</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Decoded audio seconds per <see cref="AuthOptions.AudioSecondsWindow"/> (a day by default).</summary>
    public double? AudioSecondsPerDay { get; set; }

    /// <summary>Audio requests in progress at once, counted from the start of their upload.</summary>
    public int? MaxConcurrentRequests { get; set; }
}

/// <summary>One accepted API key, stored only as the SHA-256 of the key (hex), with its role and limits.</summary>
public sealed class ApiKeyEntry : KeyLimits
{
    /// <summary>A name for logs and usage records (never the key). Defaults to the hash's first 8 hex digits.</summary>
    public string? Id { get; set; }

    public string Sha256 { get; set; } = "";

    /// <summary>May read GET /v1/usage (every key's usage).</summary>
    public bool Admin { get; set; }

    public string EffectiveId => Id ?? Sha256[..Math.Min(8, Sha256.Length)].ToLowerInvariant();
}

/// <summary>Section "Auth". With no keys, the server accepts every call and binds to loopback only.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>Limits of every key that does not set its own (and of all callers when auth is off).</summary>
    public KeyLimits DefaultLimits { get; set; } = new();

    /// <summary>The window RequestsPerMinute counts in: one minute (shorter only to test).</summary>
    public TimeSpan RequestsWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The window AudioSecondsPerDay counts in: one day (shorter only to test).</summary>
    public TimeSpan AudioSecondsWindow { get; set; } = TimeSpan.FromDays(1);

    public bool Enabled => Keys.Count > 0;

    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

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

/// <summary>
/// Checks "Authorization: Bearer &lt;key&gt;" (or Azure's "api-key" header) against the configured hashes.
/// The presented key is hashed and compared with every configured hash in constant time; the key itself
/// is never stored or logged.
/// </summary>
public sealed class ApiKeyValidator
{
    public const string KeyIdItem = "stt.key_id";

    public const string AdminItem = "stt.key_admin";

    /// <summary>The caller's id when auth is off (loopback-only dev mode).</summary>
    public const string AnonymousId = "anonymous";

    /// <summary>The caller's id when keys are configured and none (or a wrong one) was presented.</summary>
    public const string UnauthenticatedId = "unauthenticated";

    private readonly (ApiKeyEntry Key, byte[] Hash)[] _keys;

    public ApiKeyValidator(IOptions<AuthOptions> options)
    {
        _keys = options.Value.Keys.Select(k => (k, Convert.FromHexString(k.Sha256))).ToArray();
    }

    public bool Enabled => _keys.Length > 0;

    /// <summary>Who is calling, for usage and limits: the key's id, or <see cref="AnonymousId"/> / <see cref="UnauthenticatedId"/>.</summary>
    public string CallerId(HttpContext context) =>
        !Enabled ? AnonymousId : context.Items[KeyIdItem] as string ?? UnauthenticatedId;

    /// <summary>Whether the caller may read every key's usage: an admin key, or anyone when auth is off (loopback only).</summary>
    public bool IsAdmin(HttpContext context) => !Enabled || context.Items[AdminItem] is true;

    /// <summary>The matching key, or null.</summary>
    public ApiKeyEntry? Authenticate(HttpRequest request)
    {
        var presented = ExtractKey(request);
        if (presented is null)
        {
            return null;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        ApiKeyEntry? match = null;
        foreach (var (key, expected) in _keys)
        {
            // No early exit: every configured key is compared whichever one matches.
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                match = key;
            }
        }
        return match;
    }

    private static string? ExtractKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = auth["Bearer ".Length..].Trim();
            return key.Length > 0 ? key : null;
        }
        var apiKey = request.Headers["api-key"].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
