using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>
/// Meters the endpoints whose <see cref="ApiEndpointInfo"/> names an operation (the audio endpoints): every request to them, whatever its outcome (success, 4xx, 429, 5xx, the
/// client leaving), leaves one usage record. Sits outside the error envelope and the key check, so it sees
/// the status the client got. Recording only enqueues; nothing here waits for storage.
/// </summary>
public sealed class UsageMiddleware(RequestDelegate next, UsageRecorder recorder, ApiKeyValidator keys, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (ApiEndpointInfo.Of(context)?.MeteredAs is not { } operation)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var usage = new RequestUsage(operation, time.GetUtcNow());
        context.Features.Set(usage);
        long started = time.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            recorder.Record(usage.Complete(context, keys.CallerId(context), (long)time.GetElapsedTime(started).TotalMilliseconds));
        }
    }
}
