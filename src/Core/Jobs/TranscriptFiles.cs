
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The files a job writes for its transcript, rendered by the one set of writers the API answers
/// with (<see cref="TranscriptionWriter"/>), keyed by the extension used in the output container.
/// </summary>
public static class TranscriptFiles
{
    private const string JsonType = "application/json; charset=utf-8";
    private const string TextType = "text/plain; charset=utf-8";
    // WebVTT's registered type: browsers load a <track> only when it is served as text/vtt.
    private const string VttType = "text/vtt; charset=utf-8";

    /// <summary>
    /// The extensions <paramref name="formats"/> names, in order, without repeats: each of
    /// <see cref="TranscriptOutputs.All"/>, or the API's names "verbose_json" and "text" for
    /// "verbose.json" and "txt". Null means all of them.
    /// </summary>
    public static IReadOnlyList<string> Select(IEnumerable<string>? formats)
    {
        if (formats is null)
        {
            return TranscriptOutputs.All;
        }
        var selected = new List<string>();
        foreach (var name in formats)
        {
            var extension = (name ?? "").Trim().ToLowerInvariant() switch
            {
                "verbose_json" => "verbose.json",
                "text" => "txt",
                var other => other,
            };
            if (!TranscriptOutputs.All.Contains(extension))
            {
                throw new ArgumentException(
                    $"Unknown transcript format '{name}'. Use {string.Join(", ", TranscriptOutputs.All)} (or verbose_json, text).", nameof(formats));
            }
            if (!selected.Contains(extension))
            {
                selected.Add(extension);
            }
        }
        if (selected.Count == 0)
        {
            throw new ArgumentException("Choose at least one transcript format.", nameof(formats));
        }
        return selected;
    }

    /// <summary>
    /// Renders <paramref name="result"/> as the chosen files (bytes and the content type to store them with) (default: all five). verbose.json carries
    /// both segments and words, since a file, unlike an API response, is not asked for one or the other.
    /// </summary>
    public static IReadOnlyDictionary<string, (byte[] Body, string ContentType)> Render(TranscriptionResult result, IEnumerable<string>? formats = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var files = new Dictionary<string, (byte[] Body, string ContentType)>(StringComparer.Ordinal);
        foreach (var extension in Select(formats))
        {
            files[extension] = extension switch
            {
                "json" => (TranscriptionWriter.Render(result, ResponseFormat.Json), JsonType),
                "verbose.json" => (TranscriptionWriter.VerboseJson(result, segments: true, words: true), JsonType),
                "srt" => (TranscriptionWriter.Render(result, ResponseFormat.Srt), TextType),
                "vtt" => (TranscriptionWriter.Render(result, ResponseFormat.Vtt), VttType),
                "txt" => (TranscriptionWriter.Render(result, ResponseFormat.Text), TextType),
                _ => throw new InvalidOperationException($"No renderer for '{extension}'."),
            };
        }
        return files;
    }
}
