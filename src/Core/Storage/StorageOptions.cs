using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Storage;

/// <summary>
/// Section "Storage": where the blob pipeline keeps inputs, outputs and chunks, and where the local server's
/// Durable Task hub lives (blobs, queues and tables). Locally (and against Azurite) a connection string; in Azure
/// the service URIs with Microsoft Entra ID (the identity of section "Identity").
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

    /// <summary>The account name without creating clients or revealing keys.</summary>
    public string AccountName()
    {
        if (BlobServiceUri is { } uri)
        {
            return uri.Host.Split('.')[0];
        }
        foreach (var part in (ConnectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("AccountName=", StringComparison.OrdinalIgnoreCase))
            {
                return part["AccountName=".Length..];
            }
        }
        return ConnectionString?.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase) == true ? "devstoreaccount1" : "the configured account";
    }
}
