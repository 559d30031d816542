using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>
/// POST /v1/audio/transcriptions and /translations: stream the multipart body in, bind and validate,
/// route to a backend, write the result in the requested format (or as Server-Sent Events).
/// </summary>
public sealed class TranscriptionHandler(
    TranscriptionRouter router,
    IOptions<ApiOptions> apiOptions,
    IOptions<AudioOptions> audioOptions,
    ILogger<TranscriptionHandler> logger)
{
    /// <summary>Names the backend that answered, e.g. "whisper.cpp" or "azure-openai:&lt;deployment&gt;".</summary>
    public const string BackendHeader = "x-stt-backend";

    /// <summary>Set when a fallback answered: the model id that failed first.</summary>
    public const string FallbackHeader = "x-stt-fallback-from";

    /// <summary>
    /// W3C Server-Timing on local results: "vad;dur=MS, whisper;dur=MS" (time in VAD and in whisper_full),
    /// so a client can tell the engine's compute from the service's own overhead.
    /// </summary>
    public const string ServerTimingHeader = "Server-Timing";
    private readonly ApiOptions _options = apiOptions.Value;
    private readonly string _tempDirectory = audioOptions.Value.TempDirectory;

    public async Task HandleAsync(HttpContext context, TranscriptionTask task)
    {
        var started = Stopwatch.GetTimestamp();
        var aborted = context.RequestAborted;
        LimitBody(context);

        await using var request = await ReadRequestAsync(context, task, aborted).ConfigureAwait(false);
        RequestUsage.Of(context)?.Track(request);
        var model = router.Validate(request);
        if (request.Stream && model.Capabilities.Streaming)
        {
            await StreamAsync(context, request, started, aborted).ConfigureAwait(false);
        }
        else
        {
            var routed = await router.TranscribeAsync(request, null, aborted).ConfigureAwait(false);
            var body = TranscriptionWriter.Render(routed.Result, request.ResponseFormat, request);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = TranscriptionWriter.ContentType(request.ResponseFormat);
            context.Response.ContentLength = body.Length;
            context.Response.Headers[BackendHeader] = routed.Backend;
            if (routed.FellBackFrom is not null)
            {
                context.Response.Headers[FallbackHeader] = routed.FellBackFrom;
            }
            if (routed.Result.Timings is { } timings)
            {
                context.Response.Headers[ServerTimingHeader] = FormattableString.Invariant(
                    $"vad;dur={timings.VadMilliseconds:0.#}, whisper;dur={timings.InferenceMilliseconds:0.#}");
            }
            await context.Response.Body.WriteAsync(body, aborted).ConfigureAwait(false);
            Complete(context, request, routed, started);
        }
    }

    private async Task<TranscriptionRequest> ReadRequestAsync(HttpContext context, TranscriptionTask task, CancellationToken aborted)
    {
        using var uploadDeadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        uploadDeadline.CancelAfter(_options.UploadTimeout);
        MultipartForm form;
        try
        {
            form = await MultipartFormReader.ReadAsync(context.Request, _options, _tempDirectory, uploadDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            throw ApiException.RequestTimeout($"The request body was not received within {_options.UploadTimeout.TotalSeconds:0} s.", "upload_timeout", "file");
        }
        await using (form.ConfigureAwait(false))
        {
            return TranscriptionRequestBinder.Bind(form, task);
        }
    }

    /// <summary>Caps the whole body at the upload limit plus form overhead; Kestrel enforces it while reading.</summary>
    private void LimitBody(HttpContext context)
    {
        long cap = _options.MaxUploadBytes + _options.MaxFormOverheadBytes;
        if (context.Request.ContentLength is { } length && length > cap)
        {
            throw MultipartFormReader.TooLarge(_options.MaxUploadBytes, _options);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = cap;
        }
    }

    /// <summary>
    /// Server-Sent Events: one transcript.text.delta per piece of text as the backend produces it, then
    /// transcript.text.done with the whole text and usage, then [DONE]. The response starts with the first
    /// event, so a failure before any text (bad audio, busy engine) is still an ordinary error response;
    /// a failure after it becomes an error event and the stream ends cleanly.
    /// </summary>
    private async Task StreamAsync(HttpContext context, TranscriptionRequest request, long started, CancellationToken aborted)
    {
        var events = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var observer = new ChannelObserver(events.Writer);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var transcription = Task.Run(() => router.TranscribeAsync(request, observer, work.Token), work.Token);
        _ = transcription.ContinueWith(_ => events.Writer.TryComplete(), TaskScheduler.Default);

        var response = context.Response;
        try
        {
            await foreach (var ev in events.Reader.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                if (!response.HasStarted)
                {
                    StartEventStream(response, observer.Backend, observer.FellBackFrom);
                }
                await response.Body.WriteAsync(ev, aborted).ConfigureAwait(false);
                await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            // The client went away (or writing failed): stop the backend and free its slot.
            if (!transcription.IsCompleted)
            {
                await work.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(transcription).ConfigureAwait(false);
            }
        }

        RoutedResult routed;
        try
        {
            routed = await transcription.ConfigureAwait(false);
        }
        catch (Exception e) when (response.HasStarted && !aborted.IsCancellationRequested)
        {
            var error = e as ApiException ?? ApiErrorMapper.FromException(e, logger);
            RequestUsage.Of(context)?.Failed(error);
            await response.Body.WriteAsync(TranscriptionWriter.ErrorEvent(error), aborted).ConfigureAwait(false);
            await response.Body.WriteAsync(TranscriptionWriter.DoneSentinel, aborted).ConfigureAwait(false);
            return;
        }
        if (!response.HasStarted)
        {
            StartEventStream(response, observer.Backend, observer.FellBackFrom);
        }
        await response.Body.WriteAsync(TranscriptionWriter.DoneEvent(routed.Result, request.IncludeLogprobs), aborted).ConfigureAwait(false);
        await response.Body.WriteAsync(TranscriptionWriter.DoneSentinel, aborted).ConfigureAwait(false);
        await response.Body.FlushAsync(aborted).ConfigureAwait(false);
        Complete(context, request, routed, started);
    }

    private static void StartEventStream(HttpResponse response, string? backend, string? fellBackFrom)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        if (backend is not null)
        {
            response.Headers[BackendHeader] = backend;
        }
        if (fellBackFrom is not null)
        {
            response.Headers[FallbackHeader] = fellBackFrom;
        }
        // Send headers now; output buffering/compression would hold deltas back.
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Notes what served the request for its usage record, and logs it.</summary>
    private void Complete(HttpContext context, TranscriptionRequest request, RoutedResult routed, long started)
    {
        RequestUsage.Of(context)?.Served(routed);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        logger.LogInformation("{Task} model={Model} backend={Backend} format={Format} stream={Stream} audio={AudioSeconds:0.00}s bytes={Bytes} key={KeyId} elapsed={ElapsedMs:0}ms",
            request.Task, request.Model, routed.Backend, request.ResponseFormat.ToWire(), request.Stream, routed.Result.Duration, request.File.Length,
            context.User.FindFirst(ApiKeyValidator.KeyIdClaim)?.Value ?? "-", elapsedMs);
    }

    private sealed class ChannelObserver(ChannelWriter<byte[]> writer) : ITranscriptionObserver
    {
        /// <summary>The backend producing the events (set by the router before it calls one).</summary>
        public volatile string? Backend;

        public volatile string? FellBackFrom;

        public void OnBackendSelected(string backend, string? fellBackFrom)
        {
            Backend = backend;
            FellBackFrom = fellBackFrom;
        }

        public void OnUpstreamEvent(string json) => writer.TryWrite(TranscriptionWriter.RawEvent(json));

        public void OnDelta(string delta)
        {
            if (delta.Length > 0)
            {
                writer.TryWrite(TranscriptionWriter.DeltaEvent(delta));
            }
        }

    }
}
