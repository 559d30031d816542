namespace SpeechToText.Core.Models;

/// <summary>Section "Models": the public ids the bundled whisper.cpp model answers to.</summary>
public sealed class ModelsOptions
{
    public const string Section = "Models";

    /// <summary>Ids served by the local engine; empty means OpenAI's own "whisper-1", so clients work unchanged.</summary>
    public List<string> LocalIds { get; set; } = [];

    /// <summary>
    /// Realtime model ids clients pick by name (the Vercel AI SDK streams only with these), served by the local engine
    /// unless an Azure OpenAI deployment has the same id. Empty the list to serve none of them locally.
    /// </summary>
    public List<string> RealtimeLocalIds { get; set; } = ["gpt-realtime-whisper", "gpt-live-transcribe", "gpt-transcribe"];

    /// <summary>Also serve a descriptive id derived from the model file, e.g. ggml-tiny.en.bin → whisper-tiny.en-local.</summary>
    public bool DescriptiveLocalId { get; set; } = true;

    /// <summary>whisper-tiny.en-local from /models/ggml-tiny.en.bin; null when there is no usable name.</summary>
    public static string? DescriptiveIdFor(string? modelPath)
    {
        if (string.IsNullOrWhiteSpace(modelPath))
        {
            return null;
        }
        var name = Path.GetFileNameWithoutExtension(modelPath);
        if (name.StartsWith("ggml-", StringComparison.OrdinalIgnoreCase))
        {
            name = name[5..];
        }
        var clean = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
        return clean.Length == 0 ? null : $"whisper-{clean}-local";
    }

    /// <summary>The catalog entries of the local engine, whose model file is <paramref name="modelPath"/>.</summary>
    /// <paramref name="taken"/> are ids other backends serve: a realtime id among them is left to its deployment.
    public IEnumerable<ModelEntry> LocalEntries(string? modelPath, string description, IReadOnlyCollection<string>? taken = null)
    {
        var ids = LocalIds.Count > 0 ? new List<string>(LocalIds) : ["whisper-1"];
        if (DescriptiveLocalId && DescriptiveIdFor(modelPath) is { } descriptive && !ids.Contains(descriptive))
        {
            ids.Add(descriptive);
        }
        ids.AddRange(RealtimeLocalIds.Where(id => !ids.Contains(id) && taken?.Contains(id) != true));
        return ids.Distinct(StringComparer.Ordinal).Select(id => new ModelEntry
        {
            Id = id,
            Backend = BackendKind.Local,
            Kind = ModelKind.Whisper,
            Capabilities = ModelCapabilities.For(ModelKind.Whisper, localEngine: true),
            Description = description,
        });
    }
}
