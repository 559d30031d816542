using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SpeechToText.Core.Api;

/// <summary>Maps any exception to the envelope: client mistakes to 4xx, genuine faults to 5xx (and logged).</summary>
public static class ApiErrorMapper
{
    /// <summary>
    /// What a client is told to wait when a temp folder is full. A hint, not a limit: space comes back when
    /// requests in flight end (their spilled uploads are deleted) or an operator frees it.
    /// </summary>
    private static readonly TimeSpan DiskFullRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>What a client is told to wait while storage is unreachable: a hint; outages of the emulator or a
    /// storage front end are usually seconds long.</summary>
    private static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(10);

    public static ApiError FromException(Exception e, ILogger logger) => e switch
    {
        ApiError api => api,
        IOException io when IsDiskFull(io) => DiskFull(io, logger),
        // Storage that does not answer (refused, reset or timed out through all of the SDK's retries) is the
        // server's trouble and temporary, whichever endpoint read it: 503 with Retry-After, not a 500.
        _ when IsStorageUnreachable(e) => new ApiError(StatusCodes.Status503ServiceUnavailable,
            "Storage cannot be reached right now; please retry later.", ApiError.ServerError, null, "storage_unavailable", StorageRetryAfter, e),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new ApiError(413, "The request body is larger than the server accepts.", ApiError.InvalidRequest, "file", "file_too_large"),
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } =>
            new ApiError(408, "The request body was not received in time.", ApiError.InvalidRequest, null, "upload_timeout"),
        BadHttpRequestException bad => new ApiError(bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400,
            $"Bad request: {bad.Message}", ApiError.InvalidRequest, null, "invalid_request"),
        TimeoutException => new ApiError(504, "The operation timed out.", ApiError.ServerError, null, "timeout"),
        _ => Unexpected(e, logger),
    };

    /// <summary>No space (or quota) left on the device: ENOSPC/EDQUOT on Linux, ERROR_DISK_FULL/ERROR_HANDLE_DISK_FULL on Windows.</summary>
    internal static bool IsDiskFull(Exception e) => e is IOException { HResult: 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027) };

    /// <summary>
    /// No HTTP answer at all from Azure Storage (status 0), or only such failures after the SDK's retries, also when a
    /// library wraps it (the Durable Task provider's storage exception around the table client's).
    /// </summary>
    private static bool IsStorageUnreachable(Exception e) => e switch
    {
        RequestFailedException { Status: 0 } => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsStorageUnreachable),
        { InnerException: { } inner } => IsStorageUnreachable(inner),
        _ => false,
    };

    private static ApiError DiskFull(IOException e, ILogger logger)
    {
        // The operator needs the folder (it is in the message); the client must not see server paths.
        logger.LogError("Temp storage is full, requests are refused with 503 until space returns: {Message}", e.Message);
        return ApiError.InsufficientStorage(DiskFullRetryAfter);
    }

    private static ApiError Unexpected(Exception e, ILogger logger)
    {
        logger.LogError(e, "Unhandled error");
        return new ApiError(500, "The server had an error while processing your request. Sorry about that!", ApiError.ServerError,
            null, "internal_error");
    }
}

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
            await ErrorEnvelope.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }
        if (context.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null, ContentType: null })
        {
            var status = context.Response.StatusCode;
            await ErrorEnvelope.WriteAsync(context, status switch
            {
                404 => new ApiError(404, $"Invalid URL ({context.Request.Method} {context.Request.Path}).", ApiError.InvalidRequest, null, "not_found"),
                405 => new ApiError(405, $"Method {context.Request.Method} is not allowed on {context.Request.Path}.", ApiError.InvalidRequest, null, "method_not_allowed"),
                _ => new ApiError(status, $"Request failed with status {status}.", status >= 500 ? ApiError.ServerError : ApiError.InvalidRequest),
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
                await ErrorEnvelope.WriteAsync(context, ApiError.InvalidApiKey()).ConfigureAwait(false);
                return;
            }
            context.Items[ApiKeyValidator.KeyIdItem] = key.EffectiveId;
            context.Items[ApiKeyValidator.AdminItem] = key.Admin;
        }
        await next(context).ConfigureAwait(false);
    }
}
