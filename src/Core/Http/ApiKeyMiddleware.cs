using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Realtime;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// Requires an API key on every route not marked <see cref="ApiEndpointInfo.OpenWithoutKey"/> (/health) when keys are
/// configured, so an unknown path answers 401 before 404 and reveals nothing to callers without a key. The caller
/// becomes <see cref="HttpContext.User"/>: a principal with the key's id and, for admin keys, the admin role.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator, RealtimeClientSecrets? secrets)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var info = ApiEndpointInfo.Of(context);
        if (secrets is not null && info?.AcceptsClientSecret == true && ApiKeyValidator.ExtractKey(context.Request) is { } presented
            && presented.StartsWith(RealtimeClientSecrets.Prefix + "_", StringComparison.Ordinal))
        {
            // A client secret stands for the key that issued it, on the one endpoint that takes secrets.
            if (secrets.Redeem(presented) is not { } caller)
            {
                await ErrorResponse.WriteAsync(context, ApiException.InvalidApiKey()).ConfigureAwait(false);
                return;
            }
            context.User = ApiKeyValidator.Principal(caller.KeyId, admin: false);
            context.Features.Set(caller);
        }
        else if (validator.Enabled && info?.OpenWithoutKey != true)
        {
            var key = validator.Authenticate(context.Request);
            if (key is null)
            {
                await ErrorResponse.WriteAsync(context, ApiException.InvalidApiKey()).ConfigureAwait(false);
                return;
            }
            context.User = ApiKeyValidator.Principal(key);
        }
        await next(context).ConfigureAwait(false);
    }
}
