using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Http;

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
