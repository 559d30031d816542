using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Http;

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
