using Azure;
using Azure.Storage.Blobs.Models;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// A job's one usage record, however often the step that ends it runs. The record goes to the usage writer
/// and is flushed first; then the job's usage marker blob is created (If-None-Match: *). A re-run finds the marker
/// and meters nothing. Only a run that dies (or cannot reach storage) between the record and the marker can
/// record it twice; the usage report counts a job record once by its job id, so even then the job counts once.
/// </summary>
public sealed class JobMetering(JobStorage storage, UsageRecorder recorder, UsageWriter writer)
{
    public async Task RecordOnceAsync(JobStart start, string? model, double audioSeconds, JobTimings timings, int status, string? errorCode,
        TranscriptionUsage? usage, CancellationToken cancellationToken)
    {
        var marker = storage.Jobs.GetBlobClient(JobBlobs.Usage(start.JobId));
        if (await marker.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var ended = timings.CompletedAt ?? timings.FailedAt ?? DateTimeOffset.UtcNow;
        var record = new UsageRecord
        {
            Time = timings.CreatedAt,
            Id = start.JobId,
            KeyId = UsageRecord.Pipeline,
            Operation = UsageRecord.Job,
            Model = model,
            AudioSeconds = audioSeconds,
            Status = status,
            ErrorCode = errorCode,
            LatencyMs = (long)(ended - timings.CreatedAt).TotalMilliseconds,
            UploadBytes = start.Size,
        }.WithTokens(usage);
        recorder.Record(record);
        try
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Storage is slow or down: the record stays buffered and is written when it is back.
        }
        try
        {
            await marker.UploadAsync(JobJson.Serialize(record, JobJsonContext.Default.UsageRecord),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another run of the step got there first; the report counts the job once.
        }
    }
}
