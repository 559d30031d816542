using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Jobs;

/// <summary>Section "Pipeline": the blob-triggered chunk-and-stitch pipeline's limits and pacing.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Run the blob watcher and the queue workers in this host.</summary>
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

    /// <summary>Deliveries of one work item before it goes to the poison queue and the job fails.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Chunk work items processed at once by this host (the stitch queue gets one worker).</summary>
    public int WorkerConcurrency { get; set; } = 1;

    /// <summary>How often the blob watcher lists the input container.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an empty queue is left alone before the next receive.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a received work item stays invisible to others; renewed while it is worked on.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Delay before the first retry of a failed work item; doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where inputs are downloaded for decoding.</summary>
    public string TempDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "stt-jobs");

    public TimeSpan MaxDuration => TimeSpan.FromHours(MaxDurationHours);

    /// <summary>
    /// Backoff before delivery number <paramref name="dequeueCount"/> + 1, and never sooner than the backend asked
    /// (<paramref name="retryAfter"/>, e.g. a throttled Azure deployment): retrying earlier only spends attempts.
    /// </summary>
    public TimeSpan RetryDelay(long dequeueCount, TimeSpan? retryAfter = null)
    {
        var exp = Math.Min(20, Math.Max(0, dequeueCount - 1));
        var delay = RetryBaseDelay * Math.Pow(2, exp);
        if (retryAfter > delay)
        {
            delay = retryAfter.Value;
        }
        return delay > RetryMaxDelay ? RetryMaxDelay : delay;
    }
}

internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions o)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(o.DefaultModel))
        {
            failures.Add("Pipeline:DefaultModel must name a model.");
        }
        if (o.MaxInputBytes < 1)
        {
            failures.Add($"Pipeline:MaxInputBytes must be positive (got {o.MaxInputBytes}).");
        }
        if (o.MaxDurationHours is <= 0 or > 24 || double.IsNaN(o.MaxDurationHours))
        {
            failures.Add($"Pipeline:MaxDurationHours must be above 0 and at most 24 (got {o.MaxDurationHours}).");
        }
        if (o.LocalChunkTargetSeconds is < 5 or > 3600 || double.IsNaN(o.LocalChunkTargetSeconds))
        {
            failures.Add($"Pipeline:LocalChunkTargetSeconds must be between 5 and 3600 (got {o.LocalChunkTargetSeconds}).");
        }
        if (o.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"Pipeline:MaxAttempts must be between 1 and 100 (got {o.MaxAttempts}).");
        }
        if (o.WorkerConcurrency is < 1 or > 64)
        {
            failures.Add($"Pipeline:WorkerConcurrency must be between 1 and 64 (got {o.WorkerConcurrency}).");
        }
        foreach (var (key, value) in new[]
                 {
                     ("WatchInterval", o.WatchInterval), ("PollInterval", o.PollInterval), ("DecodeTimeout", o.DecodeTimeout),
                     ("RetryBaseDelay", o.RetryBaseDelay), ("RetryMaxDelay", o.RetryMaxDelay),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Pipeline:{key} must be positive (got {value}).");
            }
        }
        // Azure queues: visibility between 1 s and 7 days.
        if (o.VisibilityTimeout < TimeSpan.FromSeconds(2) || o.VisibilityTimeout > TimeSpan.FromDays(7))
        {
            failures.Add($"Pipeline:VisibilityTimeout must be between 2 s and 7 days (got {o.VisibilityTimeout}).");
        }
        if (o.RetryMaxDelay > TimeSpan.FromDays(7))
        {
            failures.Add("Pipeline:RetryMaxDelay must be at most 7 days (the queue's longest visibility timeout).");
        }
        if (string.IsNullOrWhiteSpace(o.TempDirectory))
        {
            failures.Add("Pipeline:TempDirectory must name a folder.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
