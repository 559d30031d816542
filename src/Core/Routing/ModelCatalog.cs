using System.Collections.Frozen;
using SpeechToText.Core.Api;

namespace SpeechToText.Core.Routing;

/// <summary>Which engine serves a model.</summary>
public enum BackendKind
{
    /// <summary>The whisper.cpp model bundled with the app.</summary>
    Local,
    /// <summary>A customer's Azure OpenAI deployment.</summary>
    AzureOpenAI,
}

public static class BackendKindExtensions
{
    /// <summary>The name clients see in /v1/models and telemetry sees in its "backend" tag.</summary>
    public static string WireName(this BackendKind kind) => kind == BackendKind.Local ? "whisper.cpp" : "azure-openai";
}

/// <summary>One public model id and what serves it.</summary>
public sealed record ModelEntry
{
    public required string Id { get; init; }
    public required BackendKind Backend { get; init; }
    public required ModelKind Kind { get; init; }
    public required ModelCapabilities Capabilities { get; init; }
    public string? Description { get; init; }
    /// <summary>Model ids to try, in order, when this one's backend is throttled or down.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
    /// <summary>Backend-specific name (the Azure deployment), or null for the local engine.</summary>
    public string? Deployment { get; init; }
}

/// <summary>
/// The one catalog of public model ids (aliases included), whichever host or backend serves them.
/// Unknown ids are a 404 model_not_found, as OpenAI answers.
/// </summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelEntry> _byId;

    public ModelCatalog(IEnumerable<ModelEntry> entries)
    {
        var list = new List<ModelEntry>();
        var seen = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (!seen.TryAdd(e.Id, e))
            {
                throw new ModelCatalogException($"Model id '{e.Id}' is configured more than once.");
            }
            list.Add(e);
        }
        foreach (var e in list)
        {
            foreach (var f in e.Fallbacks)
            {
                if (!seen.ContainsKey(f))
                {
                    throw new ModelCatalogException($"Model '{e.Id}' names fallback '{f}', which is not a configured model id.");
                }
            }
        }
        _byId = seen.ToFrozenDictionary(StringComparer.Ordinal);
        All = list;
    }

    public IReadOnlyList<ModelEntry> All { get; }

    public bool TryGet(string id, out ModelEntry entry) => _byId.TryGetValue(id, out entry!);

    public ModelEntry Resolve(string id) =>
        _byId.TryGetValue(id, out var entry) ? entry : throw ApiError.ModelNotFound(id);
}
