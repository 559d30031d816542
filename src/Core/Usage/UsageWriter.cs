using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Usage;

/// <summary>
/// The one background loop that moves usage records from <see cref="UsageRecorder"/>'s buffer to the store,
/// a batch per append, every <see cref="UsageOptions.FlushInterval"/> (sooner for a full batch or a flush
/// request). A failed write keeps its records and is retried with exponential backoff; on shutdown the loop
/// writes everything still buffered (within <see cref="UsageOptions.FlushTimeout"/>).
/// </summary>
public sealed class UsageWriter(UsageRecorder recorder, IUsageStore store, IOptions<UsageOptions> options, ILogger<UsageWriter> logger)
    : BackgroundService
{
    private readonly UsageOptions _options = options.Value;
    private readonly List<UsageRecord> _batch = [];
    private readonly List<TaskCompletionSource> _flushWaiters = [];
    private int _failures;

    /// <summary>Writes every record buffered before this call; a <see cref="TimeoutException"/> when storage does not take them within the flush timeout.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushWaiters)
        {
            _flushWaiters.Add(done);
        }
        recorder.Wake();
        await done.Task.WaitAsync(_options.FlushTimeout, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await recorder.WaitForWorkAsync(_failures == 0 ? _options.FlushInterval : RetryDelay(), stoppingToken).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            await WriteBufferedAsync(stoppingToken).ConfigureAwait(false);
        }
        // Shutdown: the server has finished its requests; write what they left, whatever the host's token says.
        using var last = new CancellationTokenSource(_options.FlushTimeout);
        try
        {
            while (!await WriteBufferedAsync(last.Token).ConfigureAwait(false))
            {
                await Task.Delay(RetryDelay(), last.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Out of time: what is left is logged below.
        }
        if (_batch.Count + recorder.Pending > 0)
        {
            logger.LogError("Shutting down with {Count} usage record(s) not written", _batch.Count + recorder.Pending);
        }
    }

    /// <summary>Writes until the buffer is empty; false when storage failed (the records stay buffered).</summary>
    private async Task<bool> WriteBufferedAsync(CancellationToken cancellationToken)
    {
        List<TaskCompletionSource> waiters;
        lock (_flushWaiters)
        {
            waiters = [.. _flushWaiters];
            _flushWaiters.Clear();
        }
        try
        {
            while (Fill() > 0)
            {
                int written = await store.AppendAsync(_batch, cancellationToken).ConfigureAwait(false);
                _batch.RemoveRange(0, written);
            }
        }
        catch (Exception e)
        {
            bool stopping = e is OperationCanceledException && cancellationToken.IsCancellationRequested;
            if (!stopping && _failures++ == 0)
            {
                logger.LogWarning(e, "Writing usage records failed; {Count} kept in memory, retrying with backoff", _batch.Count + recorder.Pending);
            }
            lock (_flushWaiters)
            {
                // Still waiting: a flush succeeds only once storage takes the records (or its caller gives up).
                _flushWaiters.AddRange(waiters);
            }
            return false;
        }
        if (_failures > 0)
        {
            logger.LogInformation("Usage records written again after {Failures} failed attempt(s)", _failures);
            _failures = 0;
        }
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
        return true;
    }

    /// <summary>Tops the batch up from the buffer (up to the batch size) and returns its size.</summary>
    private int Fill()
    {
        while (_batch.Count < _options.BatchSize && recorder.Reader.TryRead(out var record))
        {
            _batch.Add(record);
        }
        return _batch.Count;
    }

    private TimeSpan RetryDelay()
    {
        var delay = _options.RetryBaseDelay * Math.Pow(2, Math.Min(20, Math.Max(0, _failures - 1)));
        return delay > _options.RetryMaxDelay ? _options.RetryMaxDelay : delay;
    }
}
