using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>
/// Applies the caller's <see cref="KeyLimits"/> to the audio endpoints before the upload is read, so a
/// request counts toward the concurrency limit from the moment its upload starts; charges its decoded
/// audio to the key's budget when it ends.
/// </summary>
public sealed class KeyLimitsMiddleware(RequestDelegate next, KeyLimiter limiter, ApiKeyValidator keys)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (RequestUsage.Of(context) is not { } usage)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var keyId = keys.CallerId(context);
        var headers = new Dictionary<string, string>();
        using (limiter.Admit(keyId, headers))
        {
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                limiter.ChargeAudio(keyId, usage.AudioSeconds);
            }
        }
    }
}
