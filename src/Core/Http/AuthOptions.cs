using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Http;

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
