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
