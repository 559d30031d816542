using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// Catches every exception below it and answers with the envelope; turns empty 4xx/5xx framework
/// responses (unknown route, wrong method) into the envelope too. A request the client abandoned is not answered.
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            logger.LogInformation("Client disconnected from {Method} {Path}", context.Request.Method, context.Request.Path);
            return;
        }
        catch (Exception e)
        {
            var error = ApiErrorMapper.FromException(e, logger);
            if (error.Status >= 500)
            {
                // The cause (an address, the storage SDK's reason) is for the operator: logged, never sent.
                logger.LogWarning(error.InnerException, "{Method} {Path} -> {Status} {Code}: {Message}", context.Request.Method, context.Request.Path,
                    error.Status, error.Code, error.Message);
            }
            else
            {
                logger.LogInformation("{Method} {Path} -> {Status} {Code}: {Message}", context.Request.Method, context.Request.Path,
                    error.Status, error.Code, error.Message);
            }
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorResponse.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }
        if (context.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null, ContentType: null })
        {
            var status = context.Response.StatusCode;
            await ErrorResponse.WriteAsync(context, status switch
            {
                StatusCodes.Status404NotFound => ApiException.NotFound($"Invalid URL ({context.Request.Method} {context.Request.Path}).", "not_found"),
                StatusCodes.Status405MethodNotAllowed => ApiException.MethodNotAllowed($"Method {context.Request.Method} is not allowed on {context.Request.Path}."),
                _ => ApiException.WithStatus(status, $"Request failed with status {status}."),
            }).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads (a bounded amount of) the unread request body before answering an early error, so clients
    /// that are still uploading see our response instead of a connection reset.
    /// </summary>
    private static async Task DrainAsync(HttpContext context)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            var buffer = new byte[16 * 1024];
            long drained = 0;
            while (drained < 64L * 1024 * 1024
                   && await context.Request.Body.ReadAsync(buffer, cts.Token).ConfigureAwait(false) is var n and > 0)
            {
                drained += n;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The body is over its size limit, already consumed or the client is gone: answer anyway.
        }
    }
}
