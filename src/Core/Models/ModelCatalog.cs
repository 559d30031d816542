using System.Collections.Frozen;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Models;

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
        _byId.TryGetValue(id, out var entry) ? entry : throw ApiException.ModelNotFound(id);
}
