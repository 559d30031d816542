using Microsoft.AspNetCore.Http;

namespace SpeechToText.Core.Http;

/// <summary>
/// Headers every answer gets, whatever wrote it (an endpoint, the error envelope, the framework): content is
/// never sniffed into something executable, transcripts are never stored by caches or proxies, and nothing
/// names the server software.
/// </summary>
public sealed class ResponseHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Set when the headers go out, after anything (the error envelope clears them) has had its say.
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers.Remove("Server");
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
