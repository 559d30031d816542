
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Backends.WhisperCpp;

/// <summary>The pool's admission logic; no whisper_state is ever created here (leases are not asked for one).</summary>
public sealed class WhisperStatePoolTests
{
    private static WhisperStatePool Pool(int slots, int queue) =>
        new(slots, queue, () => throw new InvalidOperationException("no native state in these tests"));

    [Fact]
    public async Task Hands_out_each_slot_once_and_counts_busy_slots()
    {
        using var pool = Pool(slots: 2, queue: 0);

        using var a = await pool.AcquireAsync(CancellationToken.None);
        using var b = await pool.AcquireAsync(CancellationToken.None);

        Assert.NotEqual(a.SlotIndex, b.SlotIndex);
        Assert.Equal(2, pool.SlotsBusy);
        await Assert.ThrowsAsync<ApiException>(async () => await pool.AcquireAsync(CancellationToken.None));
        b.Dispose();
        b.Dispose(); // idempotent
        Assert.Equal(1, pool.SlotsBusy);
    }

    [Fact]
    public async Task Rejects_with_429_and_a_retry_estimate_when_slots_and_queue_are_full()
    {
        using var pool = Pool(slots: 1, queue: 1);
        using var running = await pool.AcquireAsync(CancellationToken.None);
        var waiting = pool.AcquireAsync(CancellationToken.None).AsTask();

        var error = await Assert.ThrowsAsync<ApiException>(async () => await pool.AcquireAsync(CancellationToken.None));

        Assert.Equal(429, error.Status);
        Assert.Equal(ApiException.RateLimit, error.Type);
        Assert.True(error.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, pool.QueueLength);
    }

    [Fact]
    public async Task Waiters_get_slots_in_arrival_order()
    {
        using var pool = Pool(slots: 1, queue: 3);
        var running = await pool.AcquireAsync(CancellationToken.None);
        var first = pool.AcquireAsync(CancellationToken.None).AsTask();
        var second = pool.AcquireAsync(CancellationToken.None).AsTask();

        running.Dispose();
        var firstLease = await first.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(second.IsCompleted);
        Assert.Equal(1, pool.SlotsBusy);
        firstLease.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, pool.SlotsBusy);
        Assert.Equal(0, pool.QueueLength);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_does_not_take_a_slot()
    {
        using var pool = Pool(slots: 1, queue: 2);
        var running = await pool.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = pool.AcquireAsync(cts.Token).AsTask();
        var next = pool.AcquireAsync(CancellationToken.None).AsTask();

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, pool.QueueLength);
        running.Dispose();

        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, pool.SlotsBusy);
        Assert.Equal(0, pool.QueueLength);
    }

    [Fact]
    public async Task Retry_estimate_grows_with_the_queue()
    {
        using var pool = Pool(slots: 1, queue: 5);
        var running = await pool.AcquireAsync(CancellationToken.None);
        var empty = pool.EstimateRetryAfter();
        _ = pool.AcquireAsync(CancellationToken.None);
        _ = pool.AcquireAsync(CancellationToken.None);

        Assert.True(pool.EstimateRetryAfter() > empty);
        running.Dispose();
    }
}
