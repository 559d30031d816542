using System.Security.Cryptography;
using System.Text;

namespace SpeechToText.Core.Jobs;

/// <summary>Job ids and the ids of the sub-orchestrations that transcribe a job's chunk batches.</summary>
public static class JobIds
{
    /// <summary>The first 32 hex digits of SHA-256 over the input's container, name and ETag.</summary>
    public static string For(string container, string blobName, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}\n{blobName}\n{etag.Trim('"')}")))[..32];

    public static bool IsValid(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The instance id of batch <paramref name="batch"/> of job <paramref name="jobId"/>.</summary>
    public static string Batch(string jobId, int batch) => $"{jobId}:{batch}";
}
