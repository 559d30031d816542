using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Storage;

/// <summary>
/// The pipeline's blob containers, from <see cref="StorageOptions"/>: a connection string (Azurite, local) or the
/// blob service URI with the service's shared credential (managed identity in Azure). The task hub's own clients are the Durable
/// Task provider's (configured from the same options by the host).
/// </summary>
public sealed class JobStorage
{
    private readonly Lazy<BlobServiceClient> _blobs;
    private int _created;

    public JobStorage(IOptions<StorageOptions> options, TokenCredential credential)
    {
        Options = options.Value;
        _blobs = new(() => string.IsNullOrWhiteSpace(Options.ConnectionString)
            ? new BlobServiceClient(Options.BlobServiceUri ?? throw new InvalidOperationException(
                "Storage is not configured: set Storage:ConnectionString, or Storage:BlobServiceUri (with Storage:QueueServiceUri and Storage:TableServiceUri for the pipeline)."),
                credential)
            : new BlobServiceClient(Options.ConnectionString));
    }

    public StorageOptions Options { get; }

    public BlobServiceClient Blobs => _blobs.Value;

    public BlobContainerClient Input => Blobs.GetBlobContainerClient(Options.InputContainer);

    public BlobContainerClient Output => Blobs.GetBlobContainerClient(Options.OutputContainer);

    public BlobContainerClient Jobs => Blobs.GetBlobContainerClient(Options.JobsContainer);

    /// <summary>The storage account's name, for messages that tell users where to drop files.</summary>
    public string AccountName => Blobs.AccountName;

    /// <summary>Creates the containers once per process (cheap no-ops when they exist).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 1)
        {
            return;
        }
        foreach (var c in new[] { Input, Output, Jobs })
        {
            await c.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        Volatile.Write(ref _created, 1);
    }
}
