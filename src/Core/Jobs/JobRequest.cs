using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Models;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// A job's options from the input blob. Two sources, per field: the sidecar <c>&lt;name&gt;.json</c> next to
/// the blob (<c>{"model","language","prompt","formats"}</c>) wins over the blob's metadata
/// (<c>stt_model</c>, <c>stt_language</c>, <c>stt_prompt</c>, <c>stt_formats</c>); what neither sets takes the
/// defaults (<see cref="PipelineOptions.DefaultModel"/>, detected language, all five outputs). Upload the
/// sidecar before the audio: the blob is planned as soon as it is seen.
/// </summary>
public static class JobRequest
{
    public const string MetadataModel = "stt_model";
    public const string MetadataLanguage = "stt_language";
    public const string MetadataPrompt = "stt_prompt";
    public const string MetadataFormats = "stt_formats";

    public const string SidecarSuffix = ".json";

    /// <summary>Sidecars and the status documents are not audio: the watcher skips them.</summary>
    public static bool IsSidecar(string blobName) => blobName.EndsWith(SidecarSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads metadata and the sidecar (raw, not yet validated).</summary>
    public static async Task<RawJobOptions> ReadAsync(BlobContainerClient container, string blobName, IDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        string? Meta(string key) => metadata.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var raw = new RawJobOptions(Meta(MetadataModel), Meta(MetadataLanguage), Meta(MetadataPrompt), Meta(MetadataFormats));
        BinaryData sidecar;
        try
        {
            sidecar = (await container.GetBlobClient(blobName + SidecarSuffix).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return raw;
        }
        try
        {
            using var doc = JsonDocument.Parse(sidecar.ToMemory());
            var root = doc.RootElement;
            string? Str(string name) => root.TryGetProperty(name, out var p) ? p.ValueKind switch
            {
                JsonValueKind.String => p.GetString(),
                JsonValueKind.Array => string.Join(",", p.EnumerateArray().Select(x => x.GetString())),
                _ => throw new JobRejectedException($"Sidecar field '{name}' must be a string."),
            } : null;
            return new RawJobOptions(Str("model") ?? raw.Model, Str("language") ?? raw.Language, Str("prompt") ?? raw.Prompt,
                Str("formats") ?? raw.Formats);
        }
        catch (JsonException e)
        {
            throw new JobRejectedException($"The sidecar {blobName}{SidecarSuffix} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Applies defaults and validates with the same catalog and rules as the HTTP API; throws
    /// <see cref="JobRejectedException"/> with the reason.
    /// </summary>
    public static (JobSettings Settings, ModelEntry Model) Validate(RawJobOptions raw, PipelineOptions pipeline, TranscriptionRouter router)
    {
        var formats = ParseFormats(raw.Formats);
        string? language = null;
        if (raw.Language is { } lang)
        {
            language = WhisperLanguages.NormalizeToCode(lang) ?? throw new JobRejectedException($"Unknown language '{lang}'.");
        }
        var settings = new JobSettings { Model = raw.Model ?? pipeline.DefaultModel, Language = language, Prompt = raw.Prompt, Formats = formats };
        try
        {
            return (settings, ModelFor(settings, router));
        }
        catch (ApiException e)
        {
            throw new JobRejectedException(e.Message);
        }
    }

    /// <summary>The model a job's settings name, checked again when a chunk runs (the catalog may have changed since planning).</summary>
    public static ModelEntry ModelFor(JobSettings settings, TranscriptionRouter router)
    {
        var model = router.Resolve(settings.Model);
        // What a chunk asks of this model, with the job's own prompt as given: a model that takes none rejects the job.
        return router.Validate(new TranscriptionOptions(OptionsFor(settings, model, null)) { Prompt = settings.Prompt });
    }

    /// <summary>The request a chunk is transcribed with: as much detail as the model can give (verbose, words and segments).</summary>
    public static TranscriptionRequest BuildRequest(JobSettings settings, ModelEntry? model, AudioUpload audio, string? prompt) =>
        new(OptionsFor(settings, model, prompt), audio);

    /// <summary>
    /// A job's options for <paramref name="model"/> (null: before the model is known, the most a model could be asked:
    /// verbose_json with words and segments, which the rules then check).
    /// </summary>
    public static TranscriptionOptions OptionsFor(JobSettings settings, ModelEntry? model, string? prompt)
    {
        bool verbose = model is null || model.Capabilities.TranscriptionFormats.Contains(ResponseFormat.VerboseJson);
        return new TranscriptionOptions
        {
            Task = TranscriptionTask.Transcribe,
            Model = settings.Model,
            Language = settings.Language,
            Prompt = model is null || model.Capabilities.Prompt ? prompt ?? settings.Prompt : null,
            ResponseFormat = verbose ? ResponseFormat.VerboseJson : ResponseFormat.Json,
            ResponseFormatGiven = true,
            Granularities = verbose && model?.Capabilities.TimestampGranularities != false
                ? TimestampGranularity.Segment | TimestampGranularity.Word
                : TimestampGranularity.None,
        };
    }

    private static IReadOnlyList<string> ParseFormats(string? value)
    {
        try
        {
            return TranscriptFiles.Select(string.IsNullOrWhiteSpace(value) ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (ArgumentException e)
        {
            throw new JobRejectedException(e.Message);
        }
    }
}
