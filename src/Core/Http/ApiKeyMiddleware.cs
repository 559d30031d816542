using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// Requires an API key on every route except /health when keys are configured, so an unknown path answers
/// 401 before 404 and reveals nothing to callers without a key.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (validator.Enabled && !context.Request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase))
        {
            var key = validator.Authenticate(context.Request);
            if (key is null)
            {
                await ErrorResponse.WriteAsync(context, ApiError.InvalidApiKey()).ConfigureAwait(false);
                return;
            }
            context.Items[ApiKeyValidator.KeyIdItem] = key.EffectiveId;
            context.Items[ApiKeyValidator.AdminItem] = key.Admin;
        }
        await next(context).ConfigureAwait(false);
    }
}
