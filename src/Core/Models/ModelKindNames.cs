using System.Collections.Frozen;

namespace SpeechToText.Core.Models;

/// <summary>The one mapping between <see cref="ModelKind"/> and the names in configuration and /v1/models.</summary>
public static class ModelKindNames
{
    private static readonly FrozenDictionary<ModelKind, string> Names = new Dictionary<ModelKind, string>
    {
        [ModelKind.Whisper] = "whisper",
        [ModelKind.Gpt4oTranscribe] = "gpt-4o-transcribe",
        [ModelKind.Gpt4oMiniTranscribe] = "gpt-4o-mini-transcribe",
        [ModelKind.Gpt4oTranscribeDiarize] = "gpt-4o-transcribe-diarize",
        [ModelKind.GptTranscribe] = "gpt-transcribe",
        [ModelKind.Gpt4oMiniTranscribe20251215] = "gpt-4o-mini-transcribe-2025-12-15",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, ModelKind> Kinds =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name, in the enum's order.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<ModelKind>().Select(k => Names[k]).ToArray();

    public static string WireName(this ModelKind kind) => Names[kind];

    /// <summary>The kind a name stands for (case and surrounding space ignored).</summary>
    public static bool TryParse(string? name, out ModelKind kind) => Kinds.TryGetValue(name?.Trim() ?? "", out kind);
}
