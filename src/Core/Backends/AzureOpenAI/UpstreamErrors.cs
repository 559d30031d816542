using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>
/// Upstream failures as OpenAI errors. The upstream's own client errors (bad audio as Azure judged it) keep
/// their status and fields; failures that are not the caller's fault (our credentials, a missing deployment,
/// outages) become 502/503/504 so SDKs retry them; throttling stays 429 with Retry-After.
/// </summary>
internal static class UpstreamErrors
{
    private static readonly string[] RequestIdHeaders = ["apim-request-id", "x-request-id", "x-ms-request-id"];

    public static string? RequestId(PipelineResponse response)
    {
        foreach (var h in RequestIdHeaders)
        {
            if (response.Headers.TryGetValue(h, out var v) && !string.IsNullOrEmpty(v))
            {
                return v;
            }
        }
        return null;
    }

    public static string RequestIdText(PipelineResponse response) => $"upstream request id {RequestId(response) ?? "unknown"}";

    /// <summary>Retry-After as a delay (seconds, HTTP date, or Azure's retry-after-ms), if the response has one.</summary>
    public static TimeSpan? RetryAfter(PipelineResponse response)
    {
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0)
        {
            return TimeSpan.FromMilliseconds(m);
        }
        if (response.Headers.TryGetValue("Retry-After", out var ra) && ra is not null)
        {
            if (double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0)
            {
                return TimeSpan.FromSeconds(s);
            }
            if (DateTimeOffset.TryParse(ra, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                var delay = when - DateTimeOffset.UtcNow;
                return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
            }
        }
        return null;
    }

    public static ApiException Map(PipelineResponse response, string deployment)
    {
        var (message, type, param, code) = ReadError(response);
        var id = RequestIdText(response);
        var detail = message is null ? "" : $": {message}";
        return response.Status switch
        {
            StatusCodes.Status429TooManyRequests => ApiException.Busy($"Azure OpenAI deployment '{deployment}' is rate limited ({id}){detail}",
                RetryAfter(response) ?? TimeSpan.FromSeconds(1)),
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => ApiException.BadGateway(
                $"Azure OpenAI rejected this service's credentials for deployment '{deployment}' ({id}). Check its managed identity role or API key.",
                "upstream_auth_failed", ApiException.ApiErrorType),
            StatusCodes.Status404NotFound => ApiException.BadGateway($"Azure OpenAI has no deployment '{deployment}' at the configured endpoint ({id}){detail}",
                "upstream_deployment_not_found", ApiException.ApiErrorType),
            StatusCodes.Status408RequestTimeout => ApiException.Timeout($"Azure OpenAI deployment '{deployment}' timed out ({id}).", "upstream_timeout"),
            >= StatusCodes.Status500InternalServerError => ApiException.BadGateway(
                $"Azure OpenAI deployment '{deployment}' failed with status {response.Status} ({id}){detail}", "upstream_error"),
            // The caller's own mistake as Azure judged it: same status, the upstream's fields.
            _ => new ApiException(response.Status, $"{message ?? $"Azure OpenAI rejected the request with status {response.Status}."} ({id})",
                type ?? ApiException.InvalidRequest, param, code),
        };
    }

    public static ApiException FromStreamError(JsonElement ev, string deployment, PipelineResponse response)
    {
        var error = ev.TryGetProperty("error", out var e) ? e : ev;
        var message = error.TryGetProperty("message", out var m) ? m.GetString() : "stream error";
        return ApiException.BadGateway($"Azure OpenAI deployment '{deployment}' reported an error mid-stream ({RequestIdText(response)}): {message}",
            "upstream_error");
    }

    private static (string? Message, string? Type, string? Param, string? Code) ReadError(PipelineResponse response)
    {
        try
        {
            var bytes = response.Content.ToMemory();
            if (bytes.IsEmpty)
            {
                return default;
            }
            using var doc = JsonDocument.Parse(bytes);
            if (!doc.RootElement.TryGetProperty("error", out var e) || e.ValueKind != JsonValueKind.Object)
            {
                return default;
            }
            return (Text(e, "message"), Text(e, "type"), Text(e, "param"), Text(e, "code"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return default;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        _ => null,
    } : null;
}
