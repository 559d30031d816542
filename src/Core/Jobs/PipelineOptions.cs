using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Jobs;

/// <summary>Section "Pipeline": the durable blob pipeline's limits, fan-out, retries and housekeeping.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Run the pipeline in this host (the local server: its Durable Task worker and the blob watcher).</summary>
    public bool Enabled { get; set; }

    /// <summary>Model used when neither metadata nor sidecar names one.</summary>
    public string DefaultModel { get; set; } = "whisper-1";

    /// <summary>Largest input blob accepted (default 2 GiB); larger ones end as a failed job.</summary>
    public long MaxInputBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Longest input accepted (default 6 h). This is the pipeline's own cap, not the HTTP one (Audio:MaxAudioDuration).</summary>
    public double MaxDurationHours { get; set; } = 6;

    /// <summary>How long decoding one input may take.</summary>
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Chunk length aimed at for the local engine (seconds).</summary>
    public double LocalChunkTargetSeconds { get; set; } = 300;

    /// <summary>
    /// Chunk activities scheduled at once per job. Unset: this host's engine slots (Whisper:Slots), which keeps the
    /// local engine busy; in Azure set it to instances × slots (infra/ does) so the platform scales out on the work.
    /// </summary>
    public int? MaxChunksInFlight { get; set; }

    /// <summary>Chunks per sub-orchestration: bounds the history each replay reads (about 0.6 KB per chunk).</summary>
    public int ChunksPerBatch { get; set; } = 100;

    /// <summary>Attempts of one step (plan, a chunk, stitch) before the job fails.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff before the second attempt; doubles per attempt up to <see cref="RetryMaxDelay"/>. A backend's Retry-After is always waited out.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the local blob watcher lists the input container (the local stand-in for Event Grid).</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Ended jobs (completed, failed, cancelled) are purged after this long, with their chunk blobs.</summary>
    public TimeSpan RetainJobsFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the local server purges (Azure: the timer function's schedule).</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The local server's task hub (never share one with a Functions app: they store activity inputs differently).</summary>
    public string TaskHub { get; set; } = "sttlocal";

    /// <summary>Activities the local worker runs at once. Unset: the engine's slots plus one, so planning or stitching never waits for a chunk.</summary>
    public int? ActivityConcurrency { get; set; }

    /// <summary>
    /// How long a dequeued activity stays invisible to other workers; renewed while it runs. After a crash, its
    /// work reappears when this expires.
    /// </summary>
    public TimeSpan ActivityLockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest wait between two polls of the local task hub's queues when they are idle: how late, at most, the next
    /// step of a job is picked up after the previous one finished. Each poll is one queue read; 250 ms keeps the
    /// hand-off between chunks well under a percent of a chunk's compute.
    /// </summary>
    public TimeSpan QueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDuration => TimeSpan.FromHours(MaxDurationHours);
}
