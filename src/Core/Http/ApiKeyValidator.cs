using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Http;

/// <summary>
/// Checks "Authorization: Bearer &lt;key&gt;" (or Azure's "api-key" header) against the configured hashes.
/// The presented key is hashed and compared with every configured hash in constant time; the key itself
/// is never stored or logged.
/// </summary>
public sealed class ApiKeyValidator
{
    /// <summary>The authentication type of a caller's identity, and the claim that carries its key id.</summary>
    public const string AuthenticationType = "ApiKey";

    public const string KeyIdClaim = "stt.key_id";

    public const string AdminRole = "admin";

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
        !Enabled ? AnonymousId : context.User.FindFirst(KeyIdClaim)?.Value ?? UnauthenticatedId;

    /// <summary>Whether the caller may read every key's usage: an admin key, or anyone when auth is off (loopback only).</summary>
    public bool IsAdmin(HttpContext context) => !Enabled || context.User.IsInRole(AdminRole);

    /// <summary>The authenticated caller of a matching key: its id as <see cref="KeyIdClaim"/>, admin keys in <see cref="AdminRole"/>.</summary>
    public static ClaimsPrincipal Principal(ApiKeyEntry key) => Principal(key.EffectiveId, key.Admin);

    /// <summary>The caller <paramref name="keyId"/> stands for (a realtime client secret stands for the key that minted it, never as admin).</summary>
    public static ClaimsPrincipal Principal(string keyId, bool admin)
    {
        var claims = new List<Claim> { new(KeyIdClaim, keyId) };
        if (admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, KeyIdClaim, ClaimTypes.Role));
    }

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

    /// <summary>Subprotocol prefix browsers carry their key (or client secret) in, since they cannot set headers on a WebSocket.</summary>
    public const string KeySubprotocolPrefix = "openai-insecure-api-key.";

    /// <summary>
    /// The key or secret the request presents: <c>Authorization: Bearer</c>, Azure's <c>api-key</c> header, or (WebSocket
    /// requests) the <c>openai-insecure-api-key.&lt;key&gt;</c> subprotocol.
    /// </summary>
    public static string? ExtractKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = auth["Bearer ".Length..].Trim();
            return key.Length > 0 ? key : null;
        }
        var apiKey = request.Headers["api-key"].ToString().Trim();
        if (apiKey.Length > 0)
        {
            return apiKey;
        }
        foreach (var header in request.Headers.SecWebSocketProtocol)
        {
            foreach (var protocol in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (protocol.StartsWith(KeySubprotocolPrefix, StringComparison.Ordinal) && protocol.Length > KeySubprotocolPrefix.Length)
                {
                    return protocol[KeySubprotocolPrefix.Length..];
                }
            }
        }
        return null;
    }
}
