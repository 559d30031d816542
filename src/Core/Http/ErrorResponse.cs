using System.Globalization;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>An <see cref="ApiException"/> as an HTTP response: status, Retry-After and other headers, the envelope.</summary>
public static class ErrorResponse
{
    /// <summary>Writes the envelope with its status (and Retry-After) unless the response has already started.</summary>
    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }
        // Keep the CORS grant the CORS middleware gave before the endpoint ran, so a browser may read the error.
        var corsHeaders = response.Headers.Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)
                                                      || h.Key.Equals("Vary", StringComparison.OrdinalIgnoreCase)).ToList();
        response.Clear();
        foreach (var (name, value) in corsHeaders)
        {
            response.Headers[name] = value;
        }
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfter is { } retry)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (name, value) in error.Headers)
        {
            response.Headers[name] = value;
        }
        RequestUsage.Of(context)?.Failed(error);
        var body = ErrorEnvelope.Render(error);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
