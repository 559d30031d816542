using System.Net;

namespace SpeechToText.Core.Transcription;

/// <summary>
/// A failure that reaches the client as OpenAI's error envelope
/// <c>{"error":{"message","type","param","code"}}</c>. Every failure path throws or maps to this, so
/// there is exactly one error shape whichever host or backend serves the call. The static factories are the error
/// catalog: each status is named here, with the envelope type it goes with, and nowhere else.
/// </summary>
public sealed class ApiException : Exception
{
    // The envelope's "type" values.
    public const string InvalidRequest = "invalid_request_error";
    public const string RateLimit = "rate_limit_exceeded";
    public const string ServerError = "server_error";
    public const string ApiErrorType = "api_error";
    public const string PermissionError = "permission_error";

    public ApiException(int status, string message, string type = InvalidRequest, string? param = null, string? code = null,
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

    /// <summary>A client's value as echoed in an error message, clipped so the message cannot be made huge.</summary>
    internal static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "...";

    public static ApiException BadRequest(string message, string? param = null, string? code = "invalid_value") =>
        new((int)HttpStatusCode.BadRequest, message, InvalidRequest, param, code);

    public static ApiException MissingField(string param) =>
        new((int)HttpStatusCode.BadRequest, $"Missing required parameter: '{param}'.", InvalidRequest, param, "missing_required_parameter");

    public static ApiException UnsupportedValue(string param, string message) =>
        new((int)HttpStatusCode.BadRequest, message, InvalidRequest, param, "unsupported_value");

    public const string SupportedFormatsList = "['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']";

    public static ApiException InvalidFileFormat(string? detail = null) =>
        new((int)HttpStatusCode.BadRequest,
            $"Invalid file format. Supported formats: {SupportedFormatsList}" + (string.IsNullOrWhiteSpace(detail) ? "" : $" ({detail})"),
            InvalidRequest, "file", "invalid_file_format");

    public static ApiException AudioTooShort(double seconds) =>
        new((int)HttpStatusCode.BadRequest,
            $"Audio file is too short. Minimum audio length is 0.1 seconds (got {seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s).",
            InvalidRequest, "file", "audio_too_short");

    public static ApiException ModelNotFound(string model) =>
        new((int)HttpStatusCode.NotFound, $"The model '{model}' does not exist or you do not have access to it.",
            InvalidRequest, "model", "model_not_found");

    public static ApiException InvalidApiKey() =>
        new((int)HttpStatusCode.Unauthorized,
            "Incorrect API key provided. Send it as 'Authorization: Bearer <key>'.", InvalidRequest, null, "invalid_api_key");

    public static ApiException Busy(string message, TimeSpan retryAfter) => RateLimited(message, "rate_limit_exceeded", retryAfter);

    /// <summary>429 with a code of its own (a per-key limit) and, in <paramref name="headers"/>, the x-ratelimit-* state.</summary>
    public static ApiException RateLimited(string message, string code, TimeSpan retryAfter, IReadOnlyDictionary<string, string>? headers = null) =>
        new((int)HttpStatusCode.TooManyRequests, message, RateLimit, null, code, retryAfter) { Headers = headers ?? new Dictionary<string, string>() };

    public const string AudioTooLongCode = "audio_too_long";
    public const string DecodeTimeoutCode = "decode_timeout";
    public const string DecoderUnavailableCode = "decoder_unavailable";

    /// <summary>The decoded audio exceeds the configured maximum: the client's file, so 400.</summary>
    public static ApiException AudioTooLong(TimeSpan limit) =>
        BadRequest($"Audio file is too long. Maximum audio length is {Seconds(limit)} seconds.", "file", AudioTooLongCode);

    /// <summary>Decoding ran past the time limit. The file made it so (hostile or pathological), so 400, never a retryable 5xx.</summary>
    public static ApiException DecodeTimeout(TimeSpan limit) =>
        BadRequest($"Decoding the audio took longer than the limit of {Seconds(limit)} s.", "file", DecodeTimeoutCode);

    /// <summary>The decoder binary is missing or cannot start: the server is misconfigured.</summary>
    public static ApiException DecoderUnavailable(string detail) =>
        Unavailable($"The audio decoder is unavailable on this server: {detail}", DecoderUnavailableCode);

    /// <summary>
    /// A temp folder the request needs (spilled upload, decoder copy) is full: the server's condition, not the
    /// client's, and it passes as other requests end or an operator frees space, so 503 with Retry-After.
    /// </summary>
    public static ApiException InsufficientStorage(TimeSpan retryAfter) =>
        new((int)HttpStatusCode.ServiceUnavailable, "The server has no room left for this upload right now; please retry later.",
            ServerError, null, "insufficient_storage", retryAfter);

    /// <summary>403: the key is valid but may not do this (<paramref name="what"/>, e.g. "read usage").</summary>
    public static ApiException NotAdmin(string what) =>
        new((int)HttpStatusCode.Forbidden, $"This key may not {what}: it needs Auth:Keys:N:Admin=true.", PermissionError, null, "insufficient_permissions");

    /// <summary>404 for something other than a model (a job, a route).</summary>
    public static ApiException NotFound(string message, string code) =>
        new((int)HttpStatusCode.NotFound, message, InvalidRequest, null, code);

    public static ApiException MethodNotAllowed(string message) =>
        new((int)HttpStatusCode.MethodNotAllowed, message, InvalidRequest, null, "method_not_allowed");

    public static ApiException RequestTimeout(string message, string code, string? param = null) =>
        new((int)HttpStatusCode.RequestTimeout, message, InvalidRequest, param, code);

    /// <summary>409: the resource is in a state that does not allow the call.</summary>
    public static ApiException Conflict(string message, string code) =>
        new((int)HttpStatusCode.Conflict, message, InvalidRequest, null, code);

    public static ApiException PayloadTooLarge(string message, string? param, string code) =>
        new((int)HttpStatusCode.RequestEntityTooLarge, message, InvalidRequest, param, code);

    /// <summary>500: this service failed (an engine error, an unexpected exception).</summary>
    public static ApiException Internal(string message, string code, Exception? inner = null) =>
        new((int)HttpStatusCode.InternalServerError, message, ServerError, null, code, inner: inner);

    /// <summary>502: the upstream service answered with something this service cannot pass on.</summary>
    public static ApiException BadGateway(string message, string code, string type = ServerError, Exception? inner = null) =>
        new((int)HttpStatusCode.BadGateway, message, type, null, code, inner: inner);

    /// <summary>503: a part this call needs is not available now (a model not loaded, storage unreachable).</summary>
    public static ApiException Unavailable(string message, string code, string? param = null, TimeSpan? retryAfter = null, string type = ApiErrorType,
        Exception? inner = null) =>
        new((int)HttpStatusCode.ServiceUnavailable, message, type, param, code, retryAfter, inner);

    /// <summary>504: a time limit of this service or of its upstream ran out.</summary>
    public static ApiException Timeout(string message, string code, string type = ServerError) =>
        new((int)HttpStatusCode.GatewayTimeout, message, type, null, code);

    /// <summary>Any status the client's request earned that has no name of its own here (an upstream 4xx passed through, an ASP.NET Core status).</summary>
    public static ApiException WithStatus(int status, string message, string? param = null, string? code = null) =>
        new(status, message, status >= 500 ? ServerError : InvalidRequest, param, code);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
