namespace SpeechToText.Core.Jobs;

/// <summary>
/// The orchestration's input: which blob (its name and the ETag it had when the event came) and the run settings
/// the scheduling host decided. Everything the orchestrator branches on arrives here, never from configuration read
/// during a replay.
/// </summary>
public sealed record JobStart(string Container, string Blob, string ETag, long Size, JobRunSettings Run)
{
    /// <summary>The instance id: the same blob version always maps to the same job, a new version to a new one.</summary>
    public string JobId => JobIds.For(Container, Blob, ETag);
}

/// <summary>Fan-out and retry settings of one job, fixed when it is scheduled.</summary>
/// <param name="MaxChunksInFlight">Chunk activities scheduled at once per job.</param>
/// <param name="BatchSize">Chunks per sub-orchestration (keeps each history small).</param>
/// <param name="MaxAttempts">Attempts of one step before the job fails.</param>
/// <param name="RetryBaseDelay">Backoff before the second attempt; doubles per attempt.</param>
/// <param name="RetryMaxDelay">Longest backoff (a backend's Retry-After is waited out even when longer).</param>
public sealed record JobRunSettings(int MaxChunksInFlight, int BatchSize, int MaxAttempts, TimeSpan RetryBaseDelay, TimeSpan RetryMaxDelay);
