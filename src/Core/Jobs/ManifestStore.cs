using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Reads and changes manifests with optimistic concurrency: every change is a function applied to the
/// latest manifest and written with If-Match; on 412 the manifest is re-read and the change applied again.
/// </summary>
public sealed class ManifestStore(JobStorage storage)
{
    private const int MaxConflicts = 50;

    public static string ManifestName(string jobId) => $"{jobId}/manifest.json";

    public static string ChunkAudioName(string jobId, int index) => $"{jobId}/chunks/{index:D5}.wav";

    public static string ChunkResultName(string jobId, int index) => $"{jobId}/results/{index:D5}.json";

    private BlobClient Blob(string jobId) => storage.Jobs.GetBlobClient(ManifestName(jobId));

    /// <summary>The manifest and its ETag, or null when the job does not exist.</summary>
    public async Task<(JobManifest Manifest, ETag ETag)?> TryReadAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Blob(jobId).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (JobJson.Deserialize<JobManifest>(result.Value.Content), result.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Creates the manifest unless one exists (If-None-Match: *). False when it already existed.</summary>
    public async Task<bool> TryCreateAsync(JobManifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(manifest.JobId).UploadAsync(JobJson.Serialize(manifest), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the latest manifest and writes it under If-Match, retrying on
    /// conflicts. <paramref name="change"/> returns false to leave the manifest as it is (nothing is written).
    /// Returns the manifest as written (or as read, when unchanged).
    /// </summary>
    public async Task<JobManifest> UpdateAsync(string jobId, Func<JobManifest, bool> change, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var current = await TryReadAsync(jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Job {jobId} has no manifest.");
            var (manifest, etag) = current;
            if (!change(manifest))
            {
                return manifest;
            }
            try
            {
                await Blob(jobId).UploadAsync(JobJson.Serialize(manifest), new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfMatch = etag },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                }, cancellationToken).ConfigureAwait(false);
                return manifest;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < MaxConflicts)
            {
                // Someone else changed it: re-read and apply again, after a short random pause.
                await Task.Delay(Random.Shared.Next(5, 50 + (10 * attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
