// The AudioClient constructor that takes an AuthenticationPolicy (needed for Azure's api-key header and for
// Entra ID bearer tokens) is marked experimental in OpenAI 2.15.0.
#pragma warning disable OPENAI001
using System.ClientModel.Primitives;
using System.ClientModel;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI.Audio;
using OpenAI;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Models;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>
/// Serves models backed by Azure OpenAI deployments through the official OpenAI .NET SDK against Azure's
/// v1 API (/openai/v1/), or per deployment its dated route (<see cref="DatedRoutePolicy"/>), one long-lived
/// client per deployment. Capability rules are checked before any
/// upstream call (the router does that); this class enforces the audio-length rules, sends every supported
/// field faithfully, retries transient failures (<see cref="UpstreamResilience"/>), relays streams event by
/// event, and maps upstream failures to OpenAI's errors with the upstream request id in the message.
/// </summary>
public sealed class AzureOpenAIBackend : ITranscriptionBackend
{
    /// <summary>Scope of Azure OpenAI (Cognitive Services) for Microsoft Entra ID tokens.</summary>
    public const string TokenScope = "https://cognitiveservices.azure.com/.default";

    private readonly Dictionary<string, (AudioClient Client, AzureDeploymentOptions Options)> _deployments;
    private readonly IAudioDecoder _decoder;
    private readonly UpstreamResilience _resilience;
    private readonly ILogger<AzureOpenAIBackend> _logger;

    /// <param name="credential">The service's shared credential (section "Identity"), for deployments without an api key.</param>
    public AzureOpenAIBackend(IOptions<AzureOpenAIOptions> options, IAudioDecoder decoder, TokenCredential credential,
        ILogger<AzureOpenAIBackend> logger)
    {
        _decoder = decoder;
        _logger = logger;
        _resilience = new UpstreamResilience(options.Value, logger);
        _deployments = options.Value.Deployments.ToDictionary(d => d.Id, d => (CreateClient(d, credential), d), StringComparer.Ordinal);
    }

    public BackendKind Kind => BackendKind.AzureOpenAI;

    public string DescribeFor(ModelEntry model) => $"{Kind.WireName()}:{model.Deployment}";

    private static AudioClient CreateClient(AzureDeploymentOptions d, TokenCredential credential)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = V1Endpoint(d),
            // Retries are ours (bounded by the call's deadline, Retry-After aware); the SDK's would multiply them.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = d.Timeout,
            // Request logging could carry headers; keys must never reach a log.
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false, EnableMessageLogging = false },
        };
        if (d.ApiVersion is { Length: > 0 } apiVersion)
        {
            options.AddPolicy(new DatedRoutePolicy(options.Endpoint, d.DeploymentName, apiVersion), PipelinePosition.PerCall);
        }
        AuthenticationPolicy auth = d.ApiKey is { Length: > 0 } key
            ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(key), "api-key")
            // The validator allows plain http only for loopback, where the SDK's policy would refuse every call.
            : options.Endpoint.Scheme == Uri.UriSchemeHttp
                ? new LoopbackBearerTokenPolicy(credential, TokenScope)
                : new BearerTokenPolicy(credential, TokenScope);
        return new AudioClient(d.DeploymentName, auth, options);
    }

    /// <summary>Azure OpenAI's v1 API, which the plain OpenAI client speaks: https://&lt;resource&gt;.openai.azure.com/openai/v1/.</summary>
    private static Uri V1Endpoint(AzureDeploymentOptions d) => new(d.Endpoint.TrimEnd('/') + "/openai/v1/");

    public async Task<TranscriptionResult> TranscribeAsync(TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken)
    {
        if (!_deployments.TryGetValue(model.Id, out var deployment))
        {
            throw ApiException.Unavailable($"Model '{model.Id}' has no configured Azure OpenAI deployment.", "backend_unavailable", "model");
        }
        if (AudioSniffer.Detect(request.File.Head) == AudioContainer.Unknown)
        {
            throw ApiException.InvalidFileFormat();
        }
        double? duration = await CheckDurationAsync(request, model, cancellationToken).ConfigureAwait(false);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(deployment.Options.Timeout);
        var call = new UpstreamCall(deployment.Client, deployment.Options, request, cancellationToken, deadline.Token);
        using var operation = SttTelemetry.Start("stt.upstream", SttTelemetry.UpstreamDuration, ActivityKind.Client).Tag("model", model.Id);
        try
        {
            return await operation.RunAsync(() => request.Stream && model.Capabilities.Streaming && observer is not null
                ? StreamAsync(call, observer, duration)
                : CallAsync(call, duration)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ApiException.Timeout($"Azure OpenAI deployment '{deployment.Options.DeploymentName}' did not answer within {deployment.Options.Timeout.TotalSeconds:0} s.",
                "upstream_timeout");
        }
    }

    /// <summary>gpt-4o models reject audio over 1400 s and diarization needs chunking above 30 s: measured here, before any upstream call.</summary>
    private async Task<double?> CheckDurationAsync(TranscriptionRequest request, ModelEntry model, CancellationToken ct)
    {
        if (model.Capabilities.MaxAudioSeconds is null && model.Kind != ModelKind.Gpt4oTranscribeDiarize)
        {
            return null;
        }
        var audio = await request.DecodeOnceAsync(_decoder, ct).ConfigureAwait(false);
        RequestRules.EnsureAudioFits(request, model, audio.DurationSeconds);
        return audio.DurationSeconds;
    }

    private async Task<TranscriptionResult> CallAsync(UpstreamCall call, double? duration)
    {
        var response = await _resilience.ExecuteAsync(call, async token =>
        {
            using var content = new UpstreamMultipart(call.Request, call.Options.DeploymentName, stream: false);
            var options = new RequestOptions { CancellationToken = token, ErrorOptions = ClientErrorBehaviors.NoThrow };
            var result = call.Request.Task == TranscriptionTask.Translate
                ? await call.Client.TranslateAudioAsync(content, content.ContentType, options).ConfigureAwait(false)
                : await call.Client.TranscribeAudioAsync(content, content.ContentType, options).ConfigureAwait(false);
            return result.GetRawResponse();
        }).ConfigureAwait(false);

        if (response.IsError)
        {
            throw UpstreamErrors.Map(response, call.Options.DeploymentName);
        }
        response.Headers.TryGetValue("Content-Type", out var contentType);
        try
        {
            return UpstreamResponseParser.Parse(response.Content.ToArray(), contentType, call.Request.ResponseFormat, call.Request.Task, duration);
        }
        catch (JsonException e)
        {
            throw ApiException.BadGateway($"Azure OpenAI deployment '{call.Options.DeploymentName}' answered with a body that is not valid JSON ({UpstreamErrors.RequestIdText(response)}).",
                "upstream_invalid_response", inner: e);
        }
    }

    /// <summary>
    /// Relays Azure's Server-Sent Events as they arrive. Connecting is retried like any call; once the first
    /// event has been relayed nothing is retried (the client already has part of the answer).
    /// </summary>
    private async Task<TranscriptionResult> StreamAsync(UpstreamCall call, ITranscriptionObserver observer, double? duration)
    {
        using var message = await _resilience.ExecuteMessageAsync(call, token =>
        {
            var content = new UpstreamMultipart(call.Request, call.Options.DeploymentName, stream: true);
            var message = call.Client.Pipeline.CreateMessage();
            message.Request.Method = "POST";
            message.Request.Uri = new Uri(V1Endpoint(call.Options), "audio/transcriptions");
            message.Request.Headers.Set("Content-Type", content.ContentType);
            message.Request.Headers.Set("Accept", "text/event-stream");
            message.Request.Content = content;
            // Apply copies RequestOptions.BufferResponse (default true) onto the message: set it there, or the
            // whole upstream stream is read before the first event is relayed.
            message.Apply(new RequestOptions { CancellationToken = token, ErrorOptions = ClientErrorBehaviors.NoThrow, BufferResponse = false });
            return message;
        }).ConfigureAwait(false);

        var response = message.Response!;
        if (response.IsError)
        {
            await response.BufferContentAsync(call.Deadline).ConfigureAwait(false);
            throw UpstreamErrors.Map(response, call.Options.DeploymentName);
        }
        TranscriptionResult? done = null;
        await foreach (var item in SseParser.Create(response.ContentStream!).EnumerateAsync(call.Deadline).ConfigureAwait(false))
        {
            if (item.Data == "[DONE]")
            {
                break;
            }
            using var doc = JsonDocument.Parse(item.Data);
            var type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "transcript.text.done":
                    done = UpstreamResponseParser.FromJson(doc.RootElement, TranscriptionTask.Transcribe, duration);
                    break;
                case "error":
                    throw UpstreamErrors.FromStreamError(doc.RootElement, call.Options.DeploymentName, response);
                default:
                    observer.OnUpstreamEvent(item.Data);
                    break;
            }
        }
        return done ?? throw ApiException.BadGateway(
            $"Azure OpenAI deployment '{call.Options.DeploymentName}' ended its stream without a transcript.text.done event ({UpstreamErrors.RequestIdText(response)}).",
            "upstream_incomplete_stream");
    }
}
