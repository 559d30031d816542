using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Section "Storage": where the blob pipeline keeps inputs, outputs and chunks, and where the local server's
/// Durable Task hub lives (blobs, queues and tables). Locally (and against Azurite) a connection string; in Azure
/// the service URIs with Microsoft Entra ID (managed identity).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c> or the full form). Wins when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>https://&lt;account&gt;.blob.core.windows.net, used with Azure.Identity when there is no connection string.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>https://&lt;account&gt;.queue.core.windows.net, used with Azure.Identity when there is no connection string.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>https://&lt;account&gt;.table.core.windows.net: the local server's task hub (instances and histories) when there is no connection string.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty: DefaultAzureCredential.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Where large recordings are dropped.</summary>
    public string InputContainer { get; set; } = "audio-in";

    /// <summary>Where transcripts and status documents are written.</summary>
    public string OutputContainer { get; set; } = "transcripts";

    /// <summary>Chunk audio, chunk results, failure and usage records, under each job's id.</summary>
    public string JobsContainer { get; set; } = "stt-jobs";

    /// <summary>Blob storage is reachable: enough for job status and the 413 hint.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || BlobServiceUri is not null;

    /// <summary>Everything a Durable Task hub needs: blobs, queues and tables.</summary>
    public bool CanHostTaskHub => !string.IsNullOrWhiteSpace(ConnectionString) || (BlobServiceUri is not null && QueueServiceUri is not null && TableServiceUri is not null);
}

/// <summary>Start-time checks of <see cref="StorageOptions"/> (only when the pipeline is enabled).</summary>
internal sealed class StorageOptionsValidator(IOptions<PipelineOptions> pipeline) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (pipeline.Value.Enabled && !options.CanHostTaskHub)
        {
            failures.Add("Pipeline:Enabled needs Storage:ConnectionString, or Storage:BlobServiceUri, Storage:QueueServiceUri and Storage:TableServiceUri.");
        }
        foreach (var (key, value) in new[]
                 {
                     ("InputContainer", options.InputContainer), ("OutputContainer", options.OutputContainer),
                     ("JobsContainer", options.JobsContainer),
                 })
        {
            if (!IsValidName(value))
            {
                failures.Add($"Storage:{key} '{value}' is not a valid container name (3-63 lower-case letters, digits, hyphens).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidName(string? name) =>
        name is { Length: >= 3 and <= 63 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]) && !name.Contains("--", StringComparison.Ordinal);
}
