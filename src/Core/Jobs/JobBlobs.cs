namespace SpeechToText.Core.Jobs;

/// <summary>Where a job keeps its intermediate data in the jobs container, all under the job id (so a purge removes it with one prefix).</summary>
public static class JobBlobs
{
    public static string Prefix(string jobId) => $"{jobId}/";

    public static string ChunkAudio(string jobId, int index) => $"{jobId}/chunks/{index:D5}.wav";

    public static string ChunkResult(string jobId, int index) => $"{jobId}/results/{index:D5}.json";

    /// <summary>How the engine spent a chunk's last run (VAD, inference): run metadata, apart from the result so a re-run writes the same result.</summary>
    public static string ChunkTimings(string jobId, int index) => $"{jobId}/results/{index:D5}.timings.json";

    /// <summary>The job's usage record once it has been metered (the marker that keeps a re-run from metering twice).</summary>
    public static string Usage(string jobId) => $"{jobId}/usage.json";

    /// <summary>The failure record of a job that failed: reason, chunk, attempts, when.</summary>
    public static string Failure(string jobId) => $"{jobId}/failure.json";

    /// <summary>The status document beside the transcripts in the output container.</summary>
    public static string Status(string inputName) => $"{inputName}.status.json";
}
