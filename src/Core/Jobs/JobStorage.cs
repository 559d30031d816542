using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The pipeline's blob containers and queues, from <see cref="StorageOptions"/>: a connection string
/// (Azurite, local) or service URIs with Azure.Identity (managed identity in Azure). Queue messages are
/// Base64, as Azure Functions' queue trigger expects.
/// </summary>
public sealed class JobStorage
{
    private readonly Lazy<(BlobServiceClient Blobs, QueueServiceClient Queues)> _clients;
    private int _created;

    public JobStorage(IOptions<StorageOptions> options)
    {
        Options = options.Value;
        _clients = new(() => Create(Options));
    }

    public StorageOptions Options { get; }

    public BlobServiceClient Blobs => _clients.Value.Blobs;

    public BlobContainerClient Input => Blobs.GetBlobContainerClient(Options.InputContainer);

    public BlobContainerClient Output => Blobs.GetBlobContainerClient(Options.OutputContainer);

    public BlobContainerClient Jobs => Blobs.GetBlobContainerClient(Options.JobsContainer);

    public QueueClient ChunkQueue => _clients.Value.Queues.GetQueueClient(Options.ChunkQueue);

    public QueueClient StitchQueue => _clients.Value.Queues.GetQueueClient(Options.StitchQueue);

    public QueueClient PoisonQueue => _clients.Value.Queues.GetQueueClient(Options.PoisonQueue);

    /// <summary>The storage account's name, for messages that tell users where to drop files.</summary>
    public string AccountName => Blobs.AccountName;

    /// <summary>Creates the containers and queues once per process (cheap no-ops when they exist).</summary>
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
        foreach (var q in new[] { ChunkQueue, StitchQueue, PoisonQueue })
        {
            await q.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        Volatile.Write(ref _created, 1);
    }

    private static (BlobServiceClient, QueueServiceClient) Create(StorageOptions o)
    {
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            return (new BlobServiceClient(o.ConnectionString), new QueueServiceClient(o.ConnectionString, queueOptions));
        }
        if (o.BlobServiceUri is null || o.QueueServiceUri is null)
        {
            throw new InvalidOperationException("Storage is not configured: set Storage:ConnectionString, or Storage:BlobServiceUri and Storage:QueueServiceUri.");
        }
        Azure.Core.TokenCredential credential = string.IsNullOrWhiteSpace(o.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ManagedIdentityClientId));
        return (new BlobServiceClient(o.BlobServiceUri, credential), new QueueServiceClient(o.QueueServiceUri, credential, queueOptions));
    }
}
