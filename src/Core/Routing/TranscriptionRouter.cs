using SpeechToText.Core.Api;

namespace SpeechToText.Core.Routing;

/// <summary>
/// The routing rules in one place: public model id → catalog entry → capability checks → backend.
/// HTTP handlers and (later) the chunk workers of the blob pipeline both call this.
/// </summary>
public sealed class TranscriptionRouter(ModelCatalog catalog, IEnumerable<ITranscriptionBackend> backends)
{
    private readonly Dictionary<BackendKind, ITranscriptionBackend> _backends = backends.ToDictionary(b => b.Kind);

    /// <summary>Resolves the model and checks the request against it; throws the client's 4xx error.</summary>
    public ModelEntry Validate(TranscriptionRequest request)
    {
        var model = catalog.Resolve(request.Model);
        TranscriptionRequestBinder.EnsureSupported(request, model);
        return model;
    }

    /// <summary>The name of the backend that serves <paramref name="model"/> first.</summary>
    public string BackendName(ModelEntry model) => BackendFor(model).DescribeFor(model);

    public async Task<RoutedResult> TranscribeAsync(TranscriptionRequest request, ITranscriptionObserver? observer,
        CancellationToken cancellationToken)
    {
        var model = Validate(request);
        var backend = BackendFor(model);
        var result = await backend.TranscribeAsync(request, model, observer, cancellationToken).ConfigureAwait(false);
        return new RoutedResult(result, model, backend.DescribeFor(model));
    }

    private ITranscriptionBackend BackendFor(ModelEntry model) =>
        _backends.TryGetValue(model.Backend, out var b)
            ? b
            : throw new ApiError(503, $"No backend is configured to serve model '{model.Id}'.", ApiError.ApiErrorType, "model", "backend_unavailable");
}
