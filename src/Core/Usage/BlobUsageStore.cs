using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Usage;

/// <summary>
/// Usage records in append blobs, one per UTC day and instance (<c>yyyy/MM/dd/&lt;instance&gt;.jsonl</c>), rolling
/// to <c>&lt;instance&gt;-2.jsonl</c> and on when a blob has its maximum number of blocks. Only this instance
/// appends to its blobs, so every append is conditional on the length it last saw: an append that landed
/// although its answer was lost is recognised, never written twice.
/// </summary>
public sealed class BlobUsageStore(JobStorage storage, IOptions<UsageOptions> options) : IUsageStore
{
    private readonly UsageOptions _options = options.Value;
    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(_options.Container);
    private bool _containerCreated;
    private AppendTarget? _target;

    /// <summary>The blob being appended to, its length and block count as far as this instance knows.</summary>
    private sealed record AppendTarget(DateOnly Day, int Part, AppendBlobClient Blob, long Length, int Blocks);

    /// <remarks>Called by one writer at a time (the usage writer's single loop).</remarks>
    public async Task<int> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var (block, count) = UsageRecord.EncodeBlock(records, _options.MaxBlockBytes);
        var target = await TargetAsync(records[0].Day, cancellationToken).ConfigureAwait(false);
        try
        {
            using var content = new MemoryStream(block);
            await target.Blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions
            {
                Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = target.Length },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // The position moved: either our previous try of this very block landed, or the blob changed under us.
            _target = null;
            var now = (await target.Blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (now.ContentLength != target.Length + block.Length)
            {
                throw;
            }
        }
        _target = target with { Length = target.Length + block.Length, Blocks = target.Blocks + 1 };
        return count;
    }

    private async Task<AppendTarget> TargetAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (_target is { } current && current.Day == day && current.Blocks < _options.MaxBlocksPerBlob)
        {
            return current;
        }
        if (!_containerCreated)
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _containerCreated = true;
        }
        // A restarted writer (same instance id) continues where the blobs of the day end.
        int part = _target is { } full && full.Day == day ? full.Part + 1 : 1;
        while (true)
        {
            var blob = Container.GetAppendBlobClient(_options.BlobName(day, part));
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var props = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (props.BlobCommittedBlockCount < _options.MaxBlocksPerBlob)
            {
                _target = new AppendTarget(day, part, blob, props.ContentLength, props.BlobCommittedBlockCount);
                return _target;
            }
            part++;
        }
    }

    public async IAsyncEnumerable<UsageRecord> ReadDayAsync(DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await Container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, UsageOptions.DayPrefix(day), cancellationToken).ConfigureAwait(false))
        {
            var content = (await Container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            foreach (var record in UsageRecord.ParseLines(content.ToString()))
            {
                yield return record;
            }
        }
    }
}
