using Azure.Storage.Blobs.Models;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

/// <summary>The <c>&lt;input&gt;.status.json</c> document beside the transcripts: the job's status as the status endpoint shows it.</summary>
public sealed class JobStatusDocuments(JobStorage storage)
{
    public Task WriteAsync(JobStatus status, CancellationToken cancellationToken) =>
        storage.Output.GetBlobClient(JobBlobs.Status(status.Input)).UploadAsync(JobJson.Serialize(status, JobJsonContext.Default.JobStatus),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);

    /// <summary>The last status document written for an input name, or null.</summary>
    public async Task<JobStatus?> TryReadAsync(string inputName, CancellationToken cancellationToken)
    {
        try
        {
            var content = (await storage.Output.GetBlobClient(JobBlobs.Status(inputName)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            return JobJson.Deserialize(content, JobJsonContext.Default.JobStatus);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
