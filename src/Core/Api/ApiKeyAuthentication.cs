using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Api;

/// <summary>One accepted API key, stored only as the SHA-256 of the key (hex).</summary>
public sealed class ApiKeyEntry
{
    /// <summary>A name for logs and usage records (never the key). Defaults to the hash's first 8 hex digits.</summary>
    public string? Id { get; set; }

    public string Sha256 { get; set; } = "";
}

/// <summary>Section "Auth". With no keys, the server accepts every call and binds to loopback only.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<ApiKeyEntry> Keys { get; set; } = [];

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
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
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

    private readonly (string Id, byte[] Hash)[] _keys;

    public ApiKeyValidator(IOptions<AuthOptions> options)
    {
        _keys = options.Value.Keys
            .Select(k => (k.Id ?? k.Sha256[..8].ToLowerInvariant(), Convert.FromHexString(k.Sha256)))
            .ToArray();
    }

    public bool Enabled => _keys.Length > 0;

    /// <summary>The id of the matching key, or null.</summary>
    public string? Authenticate(HttpRequest request)
    {
        var presented = ExtractKey(request);
        if (presented is null)
        {
            return null;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        string? match = null;
        foreach (var (id, expected) in _keys)
        {
            // No early exit: every configured key is compared whichever one matches.
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                match = id;
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
