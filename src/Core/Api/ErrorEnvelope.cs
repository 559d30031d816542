using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Api;

/// <summary>Writes OpenAI's error envelope; the only place an error response body is made.</summary>
public static class ErrorEnvelope
{
    public static byte[] Render(ApiError error) => TranscriptionWriter.Json(w =>
    {
        w.WriteStartObject();
        WriteErrorObject(w, error);
        w.WriteEndObject();
    });

    internal static void WriteErrorObject(Utf8JsonWriter w, ApiError e)
    {
        w.WriteStartObject("error");
        w.WriteString("message", e.Message);
        w.WriteString("type", e.Type);
        if (e.Param is null) { w.WriteNull("param"); } else { w.WriteString("param", e.Param); }
        if (e.Code is null) { w.WriteNull("code"); } else { w.WriteString("code", e.Code); }
        w.WriteEndObject();
    }

    /// <summary>Writes the envelope with its status (and Retry-After) unless the response has already started.</summary>
    public static async Task WriteAsync(HttpContext context, ApiError error)
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
        var body = Render(error);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
