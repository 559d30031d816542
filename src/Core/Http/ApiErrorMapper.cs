using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

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

    public static ApiException FromException(Exception e, ILogger logger) => e switch
    {
        ApiException api => api,
        IOException io when IsDiskFull(io) => DiskFull(io, logger),
        // Storage that does not answer (refused, reset or timed out through all of the SDK's retries) is the
        // server's trouble and temporary, whichever endpoint read it: 503 with Retry-After, not a 500.
        _ when IsStorageUnreachable(e) => ApiException.Unavailable("Storage cannot be reached right now; please retry later.", "storage_unavailable",
            retryAfter: StorageRetryAfter, type: ApiException.ServerError, inner: e),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            ApiException.PayloadTooLarge("The request body is larger than the server accepts.", "file", "file_too_large"),
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } =>
            ApiException.RequestTimeout("The request body was not received in time.", "upload_timeout"),
        BadHttpRequestException bad => ApiException.WithStatus(bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest,
            $"Bad request: {bad.Message}", null, "invalid_request"),
        TimeoutException => ApiException.Timeout("The operation timed out.", "timeout"),
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

    private static ApiException DiskFull(IOException e, ILogger logger)
    {
        // The operator needs the folder (it is in the message); the client must not see server paths.
        logger.LogError("Temp storage is full, requests are refused with 503 until space returns: {Message}", e.Message);
        return ApiException.InsufficientStorage(DiskFullRetryAfter);
    }

    private static ApiException Unexpected(Exception e, ILogger logger)
    {
        logger.LogError(e, "Unhandled error");
        return ApiException.Internal("The server had an error while processing your request. Sorry about that!", "internal_error");
    }
}
