using Microsoft.Extensions.Options;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

internal sealed class PipelineOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions o)
    {
        var failures = new List<string>();
        if (o.Enabled && !storage.Value.CanHostTaskHub)
        {
            failures.Add("Pipeline:Enabled needs Storage:ConnectionString, or Storage:BlobServiceUri, Storage:QueueServiceUri and Storage:TableServiceUri.");
        }
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
        if (o.MaxChunksInFlight is < 1 or > 1000)
        {
            failures.Add($"Pipeline:MaxChunksInFlight must be between 1 and 1000 (got {o.MaxChunksInFlight}).");
        }
        if (o.ChunksPerBatch is < 1 or > 500)
        {
            failures.Add($"Pipeline:ChunksPerBatch must be between 1 and 500 (got {o.ChunksPerBatch}).");
        }
        if (o.ActivityConcurrency is < 1 or > 64)
        {
            failures.Add($"Pipeline:ActivityConcurrency must be between 1 and 64 (got {o.ActivityConcurrency}).");
        }
        foreach (var (key, value) in new[]
                 {
                     ("WatchInterval", o.WatchInterval), ("DecodeTimeout", o.DecodeTimeout), ("RetryBaseDelay", o.RetryBaseDelay),
                     ("RetryMaxDelay", o.RetryMaxDelay), ("RetainJobsFor", o.RetainJobsFor), ("HousekeepingInterval", o.HousekeepingInterval),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Pipeline:{key} must be positive (got {value}).");
            }
        }
        if (o.RetryMaxDelay < o.RetryBaseDelay)
        {
            failures.Add("Pipeline:RetryMaxDelay must not be below Pipeline:RetryBaseDelay.");
        }
        if (o.QueuePollingInterval < TimeSpan.FromMilliseconds(10) || o.QueuePollingInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Pipeline:QueuePollingInterval must be between 10 ms and 1 minute (got {o.QueuePollingInterval}).");
        }
        if (o.ActivityLockTimeout < TimeSpan.FromSeconds(10) || o.ActivityLockTimeout > TimeSpan.FromDays(7))
        {
            failures.Add($"Pipeline:ActivityLockTimeout must be between 10 s and 7 days (got {o.ActivityLockTimeout}).");
        }
        // Azure Storage task hub names: 3-45 letters and digits, starting with a letter.
        if (o.TaskHub is not { Length: >= 3 and <= 45 } hub || !char.IsAsciiLetter(hub[0]) || !hub.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add($"Pipeline:TaskHub '{o.TaskHub}' must be 3-45 letters and digits, starting with a letter.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
