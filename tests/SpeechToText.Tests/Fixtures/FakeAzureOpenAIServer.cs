using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// A real HTTP server on loopback that behaves like an Azure OpenAI resource's audio API on both of its routes:
/// v1 (<c>POST /openai/v1/audio/transcriptions|translations</c>, the deployment in the <c>model</c> field) and dated
/// (<c>POST /openai/deployments/{deployment}/audio/transcriptions|translations?api-version=...</c>, the deployment in
/// the path). It checks credentials, the api-version, the multipart form and the deployment the way Azure does, answers in OpenAI's documented shapes, records every request, and can be
/// scripted (<see cref="Enqueue"/>) to fail, stall, drop connections or stream chosen events.
/// </summary>
public sealed class FakeAzureOpenAIServer : IAsyncDisposable
{
    public const string TranscriptionsPath = "/openai/v1/audio/transcriptions";
    public const string TranslationsPath = "/openai/v1/audio/translations";

    /// <summary>Azure OpenAI's upload limit for audio (25 MiB).</summary>
    public const long MaxFileBytes = 26_214_400;

    private static readonly HashSet<string> TranscriptionFields =
    [
        "file", "model", "language", "prompt", "response_format", "temperature", "timestamp_granularities[]",
        "include[]", "stream", "chunking_strategy", "known_speaker_names[]", "known_speaker_references[]", "keywords[]", "languages[]",
    ];

    private static readonly HashSet<string> TranslationFields = ["file", "model", "prompt", "response_format", "temperature"];

    private readonly WebApplication _app;
    private readonly FakeAzureOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly LinkedList<FakeResponse> _script = new();
    private readonly Dictionary<int, TaskCompletionSource<RecordedRequest>> _waiters = [];
    private int _requestCount;
    private int _inFlight;

    private FakeAzureOpenAIServer(WebApplication app, FakeAzureOptions options)
    {
        _app = app;
        _options = options;
    }

    /// <summary>The resource's base address, <c>http://127.0.0.1:PORT</c>; clients append <c>/openai/v1/...</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public FakeAzureOptions Options => _options;

    /// <summary>Requests being answered right now (a hung one counts until its client gives up).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Every request received since start (or the last <see cref="Clear"/>), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many requests arrived since start; <see cref="Clear"/> does not reset it.</summary>
    public int RequestCount
    {
        get
        {
            lock (_gate)
            {
                return _requestCount;
            }
        }
    }

    public static async Task<FakeAzureOpenAIServer> StartAsync(FakeAzureOptions options)
    {
        foreach (var (name, kind) in options.Deployments)
        {
            if (!FakeDeploymentKind.All.Contains(kind))
            {
                throw new ArgumentException($"deployment '{name}' has unknown kind '{kind}'", nameof(options));
            }
        }
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        var server = new FakeAzureOpenAIServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Endpoint = new Uri(address);
        return server;
    }

    /// <summary>Answers the next request(s) with <paramref name="response"/> instead of the default behaviour, in FIFO order.</summary>
    public void Enqueue(FakeResponse response)
    {
        lock (_gate)
        {
            _script.AddLast(response);
        }
    }

    /// <summary>Forgets the scripted answers not used yet (including <see cref="FakeResponse.Always"/> ones).</summary>
    public void ClearScript()
    {
        lock (_gate)
        {
            _script.Clear();
        }
    }

    /// <summary>Forgets the recorded requests and the script.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
            _script.Clear();
        }
    }

    /// <summary>Completes when the <paramref name="n"/>th request since start (1-based) has arrived and its body has been read.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        lock (_gate)
        {
            if (!_waiters.TryGetValue(n, out var waiter))
            {
                waiter = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters[n] = waiter;
            }
            return waiter.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["apim-request-id"] = requestId;
        context.Response.Headers["x-request-id"] = requestId;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var form = await ReadFormAsync(context.Request, cancel.Token);
            var recorded = Record(context.Request, requestId, receivedAt, form);
            await AnswerAsync(context, NextScripted() ?? FakeResponse.Default(), recorded, form, cancel.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancel.IsCancellationRequested)
        {
            // The client gave up or the fake is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private FakeResponse? NextScripted()
    {
        lock (_gate)
        {
            var head = _script.First;
            if (head is null)
            {
                return null;
            }
            var response = head.Value;
            if (response.Uses is int uses)
            {
                _script.RemoveFirst();
                if (uses > 1)
                {
                    _script.AddFirst(response with { Uses = uses - 1 });
                }
            }
            return response;
        }
    }

    private RecordedRequest Record(HttpRequest request, string requestId, DateTimeOffset receivedAt, FormContent form)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }
        var recorded = new RecordedRequest(requestId, request.Method, request.Path.Value ?? "", headers, form.Fields,
            form.File?.FileName, form.FileBytes, form.File?.ContentType, receivedAt) { Query = request.QueryString.Value ?? "" };
        TaskCompletionSource<RecordedRequest>? waiter;
        lock (_gate)
        {
            _requests.Add(recorded);
            _requestCount++;
            _waiters.Remove(_requestCount, out waiter);
            if (waiter is null)
            {
                _waiters[_requestCount] = waiter = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        waiter.TrySetResult(recorded);
        return recorded;
    }

    private async Task AnswerAsync(HttpContext context, FakeResponse response, RecordedRequest request, FormContent form, CancellationToken cancel)
    {
        switch (response)
        {
            case FakeResponse.StatusAnswer status:
                await WriteStatusAsync(context.Response, status, cancel);
                break;
            case FakeResponse.DelayedAnswer delayed:
                await Task.Delay(delayed.Wait, cancel);
                await AnswerAsync(context, delayed.Then, request, form, cancel);
                break;
            case FakeResponse.ThrottleWindowAnswer window:
                // Judged at arrival (not after the body is read), the moment tests compare with the window.
                var left = window.Until - request.ReceivedAt;
                await AnswerAsync(context, left > TimeSpan.Zero ? FakeResponse.TooManyRequests((int)Math.Ceiling(left.TotalSeconds)) : FakeResponse.Default(),
                    request, form, cancel);
                break;
            case FakeResponse.HangAnswer:
                await Task.Delay(Timeout.Infinite, cancel);
                break;
            case FakeResponse.DropAnswer drop:
                if (drop.AfterHeaders)
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("{\"text\":\"Hel", cancel);
                    await context.Response.Body.FlushAsync(cancel);
                }
                context.Abort();
                break;
            case FakeResponse.SseAnswer sse:
                await WriteEventsAsync(context.Response, sse.Events.Select(e => (e.Data, e.DelayBefore)), cancel);
                break;
            default:
                await AnswerByDefaultAsync(context, request, form, cancel);
                break;
        }
    }

    private static Task WriteStatusAsync(HttpResponse response, FakeResponse.StatusAnswer status, CancellationToken cancel)
    {
        response.StatusCode = status.StatusCode;
        foreach (var (name, value) in status.Headers)
        {
            response.Headers[name] = value;
        }
        if (status.Body is null)
        {
            var (type, message) = status.StatusCode switch
            {
                429 => ("rate_limit_exceeded", "Requests to the Audio Transcriptions Operation have exceeded the call rate limit of your current pricing tier. Please retry after the time given in Retry-After."),
                >= 500 => ("server_error", "The server had an error while processing your request."),
                _ => ("invalid_request_error", $"Scripted status {status.StatusCode}."),
            };
            return WriteJsonAsync(response, ErrorBody(message, type, null, status.StatusCode.ToString(CultureInfo.InvariantCulture)), cancel);
        }
        response.ContentType = status.Body.TrimStart().StartsWith('{') ? "application/json" : "text/plain; charset=utf-8";
        return response.WriteAsync(status.Body, cancel);
    }

    private async Task AnswerByDefaultAsync(HttpContext context, RecordedRequest request, FormContent form, CancellationToken cancel)
    {
        var response = context.Response;
        if (Validate(context.Request, request, form) is { } error)
        {
            response.StatusCode = error.Status;
            await WriteJsonAsync(response, ErrorBody(error.Message, error.Type, error.Param, error.Code), cancel);
            return;
        }
        var route = Route.Of(request)!;
        bool translate = route.Translate;
        string deployment = route.Deployment ?? request.Field("model")!;
        string kind = _options.Deployments[deployment];
        string format = request.Field("response_format") ?? "json";
        var transcript = FakeTranscript.For(deployment, kind, _options.AudioSeconds, translate, request.Field("prompt"),
            request.Fields.GetValueOrDefault("languages[]"));
        bool logprobs = request.Fields.TryGetValue("include[]", out var include) && include.Contains("logprobs");
        if (FakeDeploymentKind.IsGpt4o(kind) && string.Equals(request.Field("stream"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var events = transcript.StreamEvents(logprobs).Select((e, i) => (e.ToJsonString(), i == 0 ? TimeSpan.Zero : _options.StreamEventDelay));
            await WriteEventsAsync(response, events, cancel);
            return;
        }
        var granularities = request.Fields.GetValueOrDefault("timestamp_granularities[]") ?? [];
        switch (format)
        {
            case "text":
                await WriteTextAsync(response, transcript.PlainText(), cancel);
                break;
            case "srt":
                await WriteTextAsync(response, transcript.Srt(), cancel);
                break;
            case "vtt":
                await WriteTextAsync(response, transcript.Vtt(), cancel);
                break;
            case "verbose_json":
                await WriteJsonAsync(response, transcript.VerboseJson(granularities.Contains("word"), granularities.Count == 0 || granularities.Contains("segment")), cancel);
                break;
            case "diarized_json":
                await WriteJsonAsync(response, transcript.DiarizedJson(), cancel);
                break;
            default:
                await WriteJsonAsync(response, transcript.Json(logprobs), cancel);
                break;
        }
    }

    private sealed record ValidationError(int Status, string Message, string? Param, string? Code, string Type = "invalid_request_error");

    private static ValidationError BadRequest(string message, string? param, string? code = "invalid_value") => new(400, message, param, code);

    /// <summary>Which of Azure's two audio routes a request took: v1 (deployment null: it is the model field) or dated.</summary>
    public sealed record Route(bool Translate, string? Deployment, string? ApiVersion)
    {
        public bool Dated => Deployment is not null;

        public static Route? Of(RecordedRequest request)
        {
            if (request.Path is TranscriptionsPath or TranslationsPath)
            {
                return new Route(request.Path == TranslationsPath, null, null);
            }
            var match = System.Text.RegularExpressions.Regex.Match(request.Path, "^/openai/deployments/(?<d>[^/]+)/audio/(?<op>transcriptions|translations)$");
            if (!match.Success)
            {
                return null;
            }
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Query);
            return new Route(match.Groups["op"].Value == "translations", Uri.UnescapeDataString(match.Groups["d"].Value),
                query.TryGetValue("api-version", out var v) ? v.ToString() : "");
        }
    }

    /// <summary>Azure's checks, in Azure's order: route and api-version, credentials, form, deployment, then the fields' values.</summary>
    private ValidationError? Validate(HttpRequest http, RecordedRequest request, FormContent form)
    {
        var route = Route.Of(request);
        if (request.Method != "POST" || route is null)
        {
            return new(404, "Resource not found", null, "404");
        }
        bool translate = route.Translate;
        if (route.Dated && !_options.ApiVersions.Contains(route.ApiVersion!))
        {
            return route.ApiVersion!.Length == 0
                ? new(404, "Resource not found", null, "404")
                : BadRequest($"API version not supported: {route.ApiVersion}", null, "BadRequest");
        }
        if (!IsAuthorized(request.Headers))
        {
            return new(401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.", null, "401");
        }
        if (http.ContentType is null || !http.ContentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest($"Invalid content type '{http.ContentType}'. The request must be multipart/form-data.", null, "invalid_content_type");
        }
        if (form.Malformed)
        {
            return BadRequest("The multipart/form-data body could not be parsed.", null);
        }
        var allowed = translate ? TranslationFields : TranscriptionFields;
        if (form.PartNames.FirstOrDefault(name => !allowed.Contains(name)) is { } unknown)
        {
            return BadRequest($"Unrecognized request argument supplied: {unknown}", unknown, "unknown_parameter");
        }
        if (form.FileParts.FirstOrDefault(name => name != "file") is { } notAFile)
        {
            return BadRequest($"'{notAFile}' must be a text field, not a file upload.", notAFile);
        }
        if (form.File is null)
        {
            return request.Fields.ContainsKey("file")
                ? BadRequest("'file' must be a file upload with a filename.", "file")
                : BadRequest("Missing required parameter: 'file'.", "file", "missing_required_parameter");
        }
        if (string.IsNullOrEmpty(form.File.FileName))
        {
            return BadRequest("'file' must be a file upload with a filename.", "file");
        }
        if (form.FileBytes.Length > MaxFileBytes)
        {
            return new(413, $"Maximum content size limit ({MaxFileBytes}) exceeded ({form.FileBytes.Length} bytes read)", "file", "content_size_limit_exceeded");
        }
        // The dated route names the deployment in its path (a model field is accepted and ignored there).
        if ((route.Deployment ?? request.Field("model")) is not { Length: > 0 } model)
        {
            return BadRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }
        if (!_options.Deployments.TryGetValue(model, out var kind) || (!route.Dated && _options.DatedRouteOnly.Contains(model)))
        {
            return new(404, "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.", "model", "DeploymentNotFound");
        }
        if (translate && FakeDeploymentKind.IsGpt4o(kind))
        {
            return BadRequest($"The translations operation does not work with the specified model, {kind}. Please choose different model and try again.", "model", "OperationNotSupported");
        }
        return ValidateValues(request, kind, translate);
    }

    private static ValidationError? ValidateValues(RecordedRequest request, string kind, bool translate)
    {
        string format = request.Field("response_format") ?? "json";
        string[] formats = (kind, translate) switch
        {
            (FakeDeploymentKind.Whisper, _) => ["json", "text", "srt", "vtt", "verbose_json"],
            (FakeDeploymentKind.Gpt4oTranscribe, _) => ["json"],
            (FakeDeploymentKind.Gpt4oMiniTranscribe or FakeDeploymentKind.Gpt4oMiniTranscribe20251215, _) => ["json", "text"],
            (FakeDeploymentKind.GptTranscribe, _) => ["json"],
            _ => ["json", "text", "diarized_json"],
        };
        if (!formats.Contains(format))
        {
            return BadRequest($"response_format '{format}' is not compatible with model '{kind}'. Use one of: {string.Join(", ", formats)}.", "response_format", "unsupported_value");
        }
        if (request.Field("temperature") is { } t &&
            !(double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var temperature) && temperature is >= 0 and <= 1))
        {
            return BadRequest($"Invalid 'temperature': '{t}'. Expected a number between 0 and 1.", "temperature");
        }
        if (request.Fields.TryGetValue("timestamp_granularities[]", out var granularities))
        {
            if (format != "verbose_json")
            {
                return BadRequest("timestamp_granularities are only supported with response_format verbose_json.", "timestamp_granularities", null);
            }
            if (granularities.FirstOrDefault(g => g is not ("word" or "segment")) is { } bad)
            {
                return BadRequest($"Invalid timestamp granularity '{bad}'. Expected 'word' or 'segment'.", "timestamp_granularities");
            }
        }
        if (request.Fields.TryGetValue("include[]", out var include))
        {
            if (include.FirstOrDefault(i => i != "logprobs") is { } bad)
            {
                return BadRequest($"Invalid include value '{bad}'. Expected 'logprobs'.", "include");
            }
            if (format != "json" || !FakeDeploymentKind.HasLogprobs(kind))
            {
                return BadRequest("logprobs are only available with response_format json on gpt-4o-transcribe and gpt-4o-mini-transcribe.", "include");
            }
        }
        if (request.Field("stream") is { } stream && !bool.TryParse(stream, out _))
        {
            return BadRequest($"Invalid 'stream': '{stream}'. Expected true or false.", "stream");
        }
        bool diarize = kind == FakeDeploymentKind.Gpt4oTranscribeDiarize;
        if (diarize && request.Field("prompt") is not null)
        {
            return BadRequest("prompt is not supported with model gpt-4o-transcribe-diarize.", "prompt", "unsupported_value");
        }
        foreach (var name in new[] { "known_speaker_names[]", "known_speaker_references[]" })
        {
            if (request.Fields.TryGetValue(name, out var speakers) && (!diarize || speakers.Count > 4))
            {
                return BadRequest($"{name} takes up to 4 values and only with model gpt-4o-transcribe-diarize.", name.TrimEnd('[', ']'), "unsupported_value");
            }
        }
        if (request.Field("chunking_strategy") is { } chunking && !IsChunkingStrategy(chunking))
        {
            return BadRequest($"Invalid 'chunking_strategy': '{chunking}'. Expected 'auto' or a server_vad object.", "chunking_strategy");
        }
        return ValidateHints(request, kind);
    }

    /// <summary>gpt-transcribe's keywords[] and languages[], checked as OpenAI documents them.</summary>
    private static ValidationError? ValidateHints(RecordedRequest request, string kind)
    {
        var keywords = request.Fields.GetValueOrDefault("keywords[]") ?? [];
        var languages = request.Fields.GetValueOrDefault("languages[]") ?? [];
        if ((keywords.Count > 0 || languages.Count > 0) && kind != FakeDeploymentKind.GptTranscribe)
        {
            var name = keywords.Count > 0 ? "keywords" : "languages";
            return BadRequest($"{name} is only supported with model gpt-transcribe.", name, "unsupported_value");
        }
        if (keywords.FirstOrDefault(k => k.Length == 0 || k.IndexOfAny(['<', '>', '\r', '\n']) >= 0) is { } keyword)
        {
            return BadRequest($"Invalid keyword '{keyword}': a keyword is a single-line literal without '<' or '>'.", "keywords");
        }
        if (languages.Count > 0 && request.Field("language") is not null)
        {
            return BadRequest("Send either language or languages, not both.", "languages");
        }
        if (languages.FirstOrDefault(l => l.Length != 2 || !l.All(char.IsAsciiLetterLower)) is { } language)
        {
            return BadRequest($"Invalid language '{language}': expected an ISO-639-1 code.", "languages");
        }
        return null;
    }

    private static bool IsChunkingStrategy(string value)
    {
        if (value == "auto")
        {
            return true;
        }
        try
        {
            return JsonNode.Parse(value) is JsonObject o && (string?)o["type"] == "server_vad";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool IsAuthorized(IReadOnlyDictionary<string, string> headers)
    {
        if (_options.ApiKey is null && _options.BearerToken is null)
        {
            return true;
        }
        if (_options.ApiKey is not null && headers.TryGetValue("api-key", out var key) && key == _options.ApiKey)
        {
            return true;
        }
        return _options.BearerToken is not null && headers.TryGetValue("Authorization", out var authorization)
            && authorization == "Bearer " + _options.BearerToken;
    }

    private static JsonObject ErrorBody(string message, string type, string? param, string? code) => new()
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    };

    private static Task WriteJsonAsync(HttpResponse response, JsonNode body, CancellationToken cancel)
    {
        response.ContentType = "application/json";
        return response.WriteAsync(body.ToJsonString(), cancel);
    }

    /// <summary>text, srt and vtt all come back as text/plain, as OpenAI sends them.</summary>
    private static Task WriteTextAsync(HttpResponse response, string text, CancellationToken cancel)
    {
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text, cancel);
    }

    private static async Task WriteEventsAsync(HttpResponse response, IEnumerable<(string Data, TimeSpan DelayBefore)> events, CancellationToken cancel)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancel);
        foreach (var (data, delay) in events)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancel);
            }
            await response.WriteAsync($"data: {data}\n\n", cancel);
            await response.Body.FlushAsync(cancel);
        }
    }

    /// <summary>The multipart body as received: text fields (name → values), every part name, the names of file parts, and the <c>file</c> part.</summary>
    private sealed record FormContent(
        IReadOnlyDictionary<string, IReadOnlyList<string>> Fields,
        IReadOnlyList<string> PartNames,
        IReadOnlyList<string> FileParts,
        IFormFile? File,
        byte[] FileBytes,
        bool Malformed)
    {
        public static readonly FormContent Empty = new(new Dictionary<string, IReadOnlyList<string>>(), [], [], null, [], false);
    }

    private static async Task<FormContent> ReadFormAsync(HttpRequest request, CancellationToken cancel)
    {
        if (!request.HasFormContentType)
        {
            // Drain whatever was sent so the client never sees a reset while still uploading.
            await request.Body.CopyToAsync(Stream.Null, cancel);
            return FormContent.Empty;
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancel);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancel.IsCancellationRequested)
        {
            return FormContent.Empty with { Malformed = true };
        }
        var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            fields[name] = values.Select(v => v ?? "").ToList();
        }
        var file = form.Files.GetFile("file");
        byte[] bytes = [];
        if (file is not null)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancel);
            bytes = buffer.ToArray();
        }
        var fileParts = form.Files.Select(f => f.Name).Distinct().ToList();
        return new FormContent(fields, [.. fields.Keys.Union(fileParts)], fileParts, file, bytes, false);
    }
}
