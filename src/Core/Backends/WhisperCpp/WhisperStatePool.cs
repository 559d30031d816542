using System.Diagnostics;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// A fixed number of decoding slots over one <see cref="WhisperModel"/>, plus a bounded FIFO wait
/// queue. Each slot owns a whisper_state (made when the model loads, <see cref="CreateStates"/>) and a VAD context
/// (made on first use), reused, so the tens of MB they cost are paid once per slot rather than once per request. When every slot is busy
/// and the queue is full, <see cref="AcquireAsync"/> fails at once with a 429 <see cref="ApiException"/>.
/// </summary>
public sealed class WhisperStatePool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Stack<WhisperSlot> _free = new();
    private readonly LinkedList<TaskCompletionSource<WhisperSlot>> _waiters = new();
    private readonly List<WhisperSlot> _all = [];
    private readonly Func<WhisperStateHandle> _createState;
    private int _busy;
    private bool _disposed;
    // Smoothed seconds one run holds a slot; seeds the Retry-After estimate before anything ran.
    private double _averageRunSeconds = 10;

    /// <param name="slots">Concurrent whisper runs.</param>
    /// <param name="queueCapacity">Callers that may wait for a slot; 0 = reject as soon as all slots are busy.</param>
    /// <param name="createState">Makes a whisper_state on the shared model (called lazily, once per slot).</param>
    internal WhisperStatePool(int slots, int queueCapacity, Func<WhisperStateHandle> createState)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueCapacity);
        SlotsTotal = slots;
        QueueCapacity = queueCapacity;
        _createState = createState;
        for (var i = slots - 1; i >= 0; i--)
        {
            var slot = new WhisperSlot(i, this);
            _free.Push(slot);
            _all.Add(slot);
        }
    }

    public int SlotsTotal { get; }

    public int QueueCapacity { get; }

    public int SlotsBusy
    {
        get
        {
            lock (_gate)
            {
                return _busy;
            }
        }
    }

    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>
    /// Waits for a free slot (FIFO). Throws <see cref="ApiException"/> 429 with a Retry-After estimate when
    /// the queue is full, and <see cref="OperationCanceledException"/> when cancelled while waiting.
    /// </summary>
    public async ValueTask<WhisperStateLease> AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<WhisperSlot> waiter;
        LinkedListNode<TaskCompletionSource<WhisperSlot>> node;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_free.Count > 0)
            {
                _busy++;
                return new WhisperStateLease(_free.Pop());
            }
            if (_waiters.Count >= QueueCapacity)
            {
                var retryAfter = EstimateRetryAfterLocked();
                throw ApiException.Busy(
                    $"The local whisper engine is busy: all {SlotsTotal} slot(s) are transcribing and the wait queue " +
                    $"({QueueCapacity}) is full. Retry in about {Math.Ceiling(retryAfter.TotalSeconds)} s.", retryAfter);
            }
            waiter = new TaskCompletionSource<WhisperSlot>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        try
        {
            return new WhisperStateLease(await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    throw;
                }
            }
            // The slot was handed over just as the wait was cancelled: give it back.
            if (waiter.Task.IsCompletedSuccessfully)
            {
                Release(waiter.Task.Result, null);
            }
            throw;
        }
    }

    /// <summary>How long a caller rejected now should wait: queued work spread over the slots.</summary>
    public TimeSpan EstimateRetryAfter()
    {
        lock (_gate)
        {
            return EstimateRetryAfterLocked();
        }
    }

    private TimeSpan EstimateRetryAfterLocked()
    {
        var runsAhead = _waiters.Count + 1.0;
        var seconds = Math.Max(1, Math.Ceiling(_averageRunSeconds * runsAhead / SlotsTotal));
        return TimeSpan.FromSeconds(seconds);
    }

    internal void Release(WhisperSlot slot, TimeSpan? busyFor)
    {
        TaskCompletionSource<WhisperSlot>? next = null;
        lock (_gate)
        {
            if (busyFor is { } held)
            {
                _averageRunSeconds = 0.7 * _averageRunSeconds + 0.3 * held.TotalSeconds;
            }
            if (_disposed)
            {
                _busy--;
                slot.DisposeNative();
                return;
            }
            // Hand the slot straight to the longest waiter (busy count unchanged). A waiter cancelled
            // at this very moment gives it back through Release from its own catch block.
            if (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                next = first.Value;
                next.TrySetResult(slot);
            }
            if (next is null)
            {
                _busy--;
                _free.Push(slot);
            }
        }
    }

    internal WhisperStateHandle CreateState() => _createState();

    /// <summary>
    /// Makes every slot's whisper_state now (the engine calls it while loading, before any request can lease a slot),
    /// so no request pays for one: whisper_init_state sizes and allocates its KV caches and compute buffers, tens of
    /// milliseconds and megabytes per slot.
    /// </summary>
    internal void CreateStates()
    {
        foreach (var slot in _all)
        {
            slot.State ??= _createState();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var slot in _free)
            {
                slot.DisposeNative();
            }
            foreach (var waiter in _waiters)
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(WhisperStatePool)));
            }
            _waiters.Clear();
        }
    }
}
