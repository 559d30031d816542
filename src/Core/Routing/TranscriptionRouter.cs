using Microsoft.Extensions.Logging;
using SpeechToText.Core.Models;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Routing;

/// <summary>
/// The routing rules in one place: public model id → catalog entry → capability checks → backend, then
/// the entry's fallback chain when that backend is throttled or down. HTTP handlers and the chunk workers
/// of the blob pipeline both call this.
/// </summary>
public sealed class TranscriptionRouter(ModelCatalog catalog, IEnumerable<ITranscriptionBackend> backends, ILogger<TranscriptionRouter> logger)
{
    private readonly Dictionary<BackendKind, ITranscriptionBackend> _backends = backends.ToDictionary(b => b.Kind);

    /// <summary>The catalog entry of a public model id, or OpenAI's model_not_found 404.</summary>
    public ModelEntry Resolve(string id) => catalog.Resolve(id);

    /// <summary>Resolves the model and checks the request's options against it; throws the client's 4xx error.</summary>
    public ModelEntry Validate(TranscriptionOptions request)
    {
        var model = catalog.Resolve(request.Model);
        RequestRules.EnsureSupported(request, model);
        return model;
    }

    /// <summary>
    /// Runs the request on its model's backend; when that fails with throttling or an outage (429, 502, 503,
    /// 504) and nothing has been streamed yet, tries the model's fallbacks in order, skipping any that cannot
    /// honour the request. The last failure is returned if every candidate fails.
    /// </summary>
    public async Task<RoutedResult> TranscribeAsync(TranscriptionRequest request, ITranscriptionObserver? observer,
        CancellationToken cancellationToken)
    {
        using var operation = SttTelemetry.Start("stt.transcribe", SttTelemetry.TranscriptionDuration);
        return await operation.RunAsync(async () =>
        {
            var model = Validate(request);
            // The catalog id, never the client's raw string: tags stay a bounded set.
            operation.Tag("model", model.Id);
            var routed = await TranscribeWithFallbacksAsync(request, model, observer, cancellationToken).ConfigureAwait(false);
            var backend = routed.ServedBy.Backend.WireName();
            operation.Tag("backend", backend);
            SttTelemetry.AudioTranscribed.Add(routed.Result.Duration, new("model", routed.ServedBy.Id), new("backend", backend));
            return routed;
        }).ConfigureAwait(false);
    }

    private async Task<RoutedResult> TranscribeWithFallbacksAsync(TranscriptionRequest request, ModelEntry model,
        ITranscriptionObserver? observer, CancellationToken cancellationToken)
    {
        var tracking = observer is null ? null : new TrackingObserver(observer);
        ApiException? lastFailure = null;
        ModelEntry? failedModel = null;
        foreach (var candidate in Chain(model))
        {
            if (lastFailure is not null)
            {
                try
                {
                    RequestRules.EnsureSupported(request, candidate);
                }
                catch (ApiException unsupported)
                {
                    logger.LogWarning("Fallback {Fallback} for model {Model} skipped: it cannot serve this request ({Reason})",
                        candidate.Id, model.Id, unsupported.Message);
                    continue;
                }
                logger.LogWarning("Model {Model} failed with {Status} {Code} ({Reason}); falling back to {Fallback}",
                    failedModel!.Id, lastFailure.Status, lastFailure.Code, lastFailure.Message, candidate.Id);
                SttTelemetry.FallbackTaken.Add(1, new("from", failedModel.Id), new("to", candidate.Id));
            }
            SttTelemetry.BackendSelected.Add(1, new("model", candidate.Id), new("backend", candidate.Backend.WireName()));
            var backend = BackendFor(candidate);
            var name = backend.DescribeFor(candidate);
            tracking?.OnBackendSelected(name, lastFailure is null ? null : model.Id);
            try
            {
                var result = await backend.TranscribeAsync(request, candidate, tracking, cancellationToken).ConfigureAwait(false);
                return new RoutedResult(result, candidate, name) { FellBackFrom = lastFailure is null ? null : model.Id };
            }
            catch (ApiException e) when (IsOutage(e) && tracking?.Emitted != true && !cancellationToken.IsCancellationRequested)
            {
                lastFailure = e;
                failedModel = candidate;
            }
        }
        throw lastFailure!;
    }

    /// <summary>Throttling or an outage: worth another backend. Client errors and our own bugs are not.</summary>
    public static bool IsOutage(ApiException e) => e.Status is 429 or 502 or 503 or 504;

    private IEnumerable<ModelEntry> Chain(ModelEntry model)
    {
        yield return model;
        var seen = new HashSet<string>(StringComparer.Ordinal) { model.Id };
        foreach (var id in model.Fallbacks)
        {
            if (seen.Add(id) && catalog.TryGet(id, out var fallback))
            {
                yield return fallback;
            }
        }
    }

    private ITranscriptionBackend BackendFor(ModelEntry model) =>
        _backends.TryGetValue(model.Backend, out var b)
            ? b
            : throw ApiException.Unavailable($"No backend is configured to serve model '{model.Id}'.", "backend_unavailable", "model");

    /// <summary>Remembers whether any event reached the client, after which a fallback would duplicate text.</summary>
    private sealed class TrackingObserver(ITranscriptionObserver inner) : ITranscriptionObserver
    {
        public bool Emitted { get; private set; }

        public void OnDelta(string delta)
        {
            Emitted = true;
            inner.OnDelta(delta);
        }

        public void OnUpstreamEvent(string json)
        {
            Emitted = true;
            inner.OnUpstreamEvent(json);
        }

        public void OnBackendSelected(string backend, string? fellBackFrom) => inner.OnBackendSelected(backend, fellBackFrom);
    }
}
