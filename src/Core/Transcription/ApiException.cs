using System.Net;

namespace SpeechToText.Core.Transcription;

/// <summary>
/// A failure that reaches the client as OpenAI's error envelope
/// <c>{"error":{"message","type","param","code"}}</c>. Every failure path throws or maps to this, so
/// there is exactly one error shape whichever host or backend serves the call.
/// </summary>
public sealed class ApiError : Exception
{
    public const string InvalidRequest = "invalid_request_error";
    public const string RateLimit = "rate_limit_exceeded";
    public const string ServerError = "server_error";
    public const string ApiErrorType = "api_error";

    public ApiError(int status, string message, string type = InvalidRequest, string? param = null, string? code = null,
        TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Type = type;
        Param = param;
        Code = code;
        RetryAfter = retryAfter;
    }

    public int Status { get; }
    public string Type { get; }
    public string? Param { get; }
    public string? Code { get; }
    /// <summary>Sent as the Retry-After header (whole seconds, at least 1) when set.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>More response headers that belong to this error (e.g. x-ratelimit-* on a 429).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static ApiError BadRequest(string message, string? param = null, string? code = "invalid_value") =>
        new((int)HttpStatusCode.BadRequest, message, InvalidRequest, param, code);

    public static ApiError MissingField(string param) =>
        new((int)HttpStatusCode.BadRequest, $"Missing required parameter: '{param}'.", InvalidRequest, param, "missing_required_parameter");

    public static ApiError UnsupportedValue(string param, string message) =>
        new((int)HttpStatusCode.BadRequest, message, InvalidRequest, param, "unsupported_value");

    public const string SupportedFormatsList = "['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']";

    public static ApiError InvalidFileFormat(string? detail = null) =>
        new((int)HttpStatusCode.BadRequest,
            $"Invalid file format. Supported formats: {SupportedFormatsList}" + (string.IsNullOrWhiteSpace(detail) ? "" : $" ({detail})"),
            InvalidRequest, "file", "invalid_file_format");

    public static ApiError AudioTooShort(double seconds) =>
        new((int)HttpStatusCode.BadRequest,
            $"Audio file is too short. Minimum audio length is 0.1 seconds (got {seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s).",
            InvalidRequest, "file", "audio_too_short");

    public static ApiError ModelNotFound(string model) =>
        new((int)HttpStatusCode.NotFound, $"The model '{model}' does not exist or you do not have access to it.",
            InvalidRequest, "model", "model_not_found");

    public static ApiError InvalidApiKey() =>
        new((int)HttpStatusCode.Unauthorized,
            "Incorrect API key provided. Send it as 'Authorization: Bearer <key>'.", InvalidRequest, null, "invalid_api_key");

    public static ApiError Busy(string message, TimeSpan retryAfter) =>
        new((int)HttpStatusCode.TooManyRequests, message, RateLimit, null, "rate_limit_exceeded", retryAfter);

    /// <summary>
    /// A temp folder the request needs (spilled upload, decoder copy) is full: the server's condition, not the
    /// client's, and it passes as other requests end or an operator frees space, so 503 with Retry-After.
    /// </summary>
    public static ApiError InsufficientStorage(TimeSpan retryAfter) =>
        new((int)HttpStatusCode.ServiceUnavailable, "The server has no room left for this upload right now; please retry later.",
            ServerError, null, "insufficient_storage", retryAfter);
}
