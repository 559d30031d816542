using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Usage;

/// <summary>
/// Takes usage records from request and job paths without ever waiting: a bounded in-memory channel that
/// <see cref="UsageWriter"/> drains in batches. When the buffer is full (storage down for long), new records
/// are dropped and counted rather than slowing requests down.
/// </summary>
public sealed class UsageRecorder
{
    private readonly Channel<UsageRecord> _records;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly int _batchSize;
    private readonly ILogger<UsageRecorder> _logger;
    private long _dropped;

    public UsageRecorder(IOptions<UsageOptions> options, ILogger<UsageRecorder> logger)
    {
        _batchSize = options.Value.BatchSize;
        _logger = logger;
        _records = Channel.CreateBounded<UsageRecord>(
            new BoundedChannelOptions(options.Value.MaxBufferedRecords) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            OnDropped);
    }

    /// <summary>Records dropped because the buffer was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records waiting to be written.</summary>
    public int Pending => _records.Reader.Count;

    public void Record(UsageRecord record)
    {
        _records.Writer.TryWrite(record);
        if (_records.Reader.Count >= _batchSize)
        {
            Wake();
        }
    }

    internal ChannelReader<UsageRecord> Reader => _records.Reader;

    /// <summary>Completes when a write is due: a full batch, a flush request, or <paramref name="interval"/> elapsed.</summary>
    internal async Task WaitForWorkAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(interval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The interval passed, or the host is stopping (the caller checks its token).
        }
    }

    internal void Wake() => _wake.Writer.TryWrite(true);

    private void OnDropped(UsageRecord record)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        // Once per power of two, so a long outage does not flood the log.
        if ((dropped & (dropped - 1)) == 0)
        {
            _logger.LogError("Usage buffer full (Usage:MaxBufferedRecords): {Dropped} record(s) dropped so far, latest {Id}", dropped, record.Id);
        }
    }
}
