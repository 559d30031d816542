using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Usage;

/// <summary>
/// What one audio request used, collected while it runs: <see cref="UsageMiddleware"/> creates it, the
/// handler adds the request and what served it, the error envelope adds its code, and the middleware turns it
/// into a <see cref="UsageRecord"/> when the response is done. Reached through <see cref="Of"/>.
/// </summary>
public sealed class RequestUsage(string operation, DateTimeOffset started)
{
    private TranscriptionRequest? _request;
    private RoutedResult? _served;
    private string? _errorCode;

    public string Operation => operation;

    /// <summary>Decoded seconds of the request's audio so far (0 until decoded); what the audio quota charges.</summary>
    public double AudioSeconds => _request?.DecodedSeconds ?? 0;

    /// <summary>The usage collector of this request, or null outside the audio endpoints.</summary>
    public static RequestUsage? Of(HttpContext context) => context.Features.Get<RequestUsage>();

    /// <summary>The bound request: model, stream flag, upload size and (later) the decoded duration.</summary>
    public void Track(TranscriptionRequest request) => _request = request;

    public void Served(RoutedResult routed) => _served = routed;

    public void Failed(ApiException error) => _errorCode = error.Code ?? error.Type;

    internal UsageRecord Complete(HttpContext context, string keyId, long latencyMs)
    {
        bool disconnected = context.RequestAborted.IsCancellationRequested;
        return new UsageRecord
        {
            Time = started,
            Id = context.TraceIdentifier,
            KeyId = keyId,
            Operation = operation,
            Model = _request?.Model,
            ServedModel = _served?.ServedBy.Id,
            Backend = _served?.Backend,
            FellBackFrom = _served?.FellBackFrom,
            AudioSeconds = AudioSeconds,
            // 499: the client closed the connection before the answer (nginx's convention).
            Status = disconnected ? 499 : context.Response.StatusCode,
            ErrorCode = disconnected ? "client_disconnected" : _errorCode,
            LatencyMs = latencyMs,
            UploadBytes = _request?.File.Length ?? context.Request.ContentLength ?? 0,
            Stream = _request?.Stream ?? false,
        }.WithTokens(_served?.Result.Usage);
    }
}
