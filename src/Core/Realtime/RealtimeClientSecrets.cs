using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// Short-lived client secrets (POST /v1/realtime/client_secrets), so a browser opens a realtime session without
/// ever holding an API key. A secret opens realtime sessions only (the file endpoint and every other route refuse
/// it), expires, and counts usage and limits under the key that issued it. Kept in memory by SHA-256 hash (the
/// secret itself is never stored), per instance: a secret works on the instance that issued it.
/// </summary>
public sealed class RealtimeClientSecrets(IOptions<RealtimeOptions> options, TimeProvider time)
{
    public const string Prefix = "ek";

    private readonly ConcurrentDictionary<string, Issued> _secrets = new(StringComparer.Ordinal);

    private sealed record Issued(string KeyId, DateTimeOffset ExpiresAt, RealtimeSessionConfig? Session);

    /// <summary>A new secret for <paramref name="keyId"/>, valid for <paramref name="lifetime"/> (default Realtime:ClientSecretLifetime).</summary>
    public (string Value, DateTimeOffset ExpiresAt) Issue(string keyId, TimeSpan? lifetime, RealtimeSessionConfig? session)
    {
        var o = options.Value;
        var life = lifetime ?? o.ClientSecretLifetime;
        if (life < TimeSpan.FromSeconds(10) || life > o.MaxClientSecretLifetime)
        {
            throw ApiException.BadRequest($"expires_after.seconds must be between 10 and {o.MaxClientSecretLifetime.TotalSeconds:0}.", "expires_after.seconds");
        }
        Sweep();
        if (_secrets.Count >= o.MaxClientSecrets)
        {
            throw ApiException.RateLimited($"{o.MaxClientSecrets} client secrets are alive on this instance; try again when some have expired.",
                "client_secret_limit_exceeded", TimeSpan.FromSeconds(10));
        }
        var value = RealtimeIds.New(Prefix, 40);
        var expiresAt = time.GetUtcNow() + life;
        _secrets[Hash(value)] = new Issued(keyId, expiresAt, session);
        return (value, expiresAt);
    }

    /// <summary>The caller a live secret stands for, or null (unknown or expired).</summary>
    public RealtimeCaller? Redeem(string presented)
    {
        if (!presented.StartsWith(Prefix + "_", StringComparison.Ordinal) || !_secrets.TryGetValue(Hash(presented), out var issued))
        {
            return null;
        }
        if (issued.ExpiresAt <= time.GetUtcNow())
        {
            _secrets.TryRemove(Hash(presented), out _);
            return null;
        }
        return new RealtimeCaller(issued.KeyId, issued.Session);
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (hash, issued) in _secrets)
        {
            if (issued.ExpiresAt <= now)
            {
                _secrets.TryRemove(hash, out _);
            }
        }
    }

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
