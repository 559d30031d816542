namespace SpeechToText.Core.Jobs;

/// <summary>Fan-out and retry settings of one job, fixed when it is scheduled.</summary>
/// <param name="MaxChunksInFlight">Chunk activities scheduled at once per job.</param>
/// <param name="BatchSize">Chunks per sub-orchestration (keeps each history small).</param>
/// <param name="MaxAttempts">Attempts of one step before the job fails.</param>
/// <param name="RetryBaseDelay">Backoff before the second attempt; doubles per attempt.</param>
/// <param name="RetryMaxDelay">Longest backoff (a backend's Retry-After is waited out even when longer).</param>
public sealed record JobRunSettings(int MaxChunksInFlight, int BatchSize, int MaxAttempts, TimeSpan RetryBaseDelay, TimeSpan RetryMaxDelay);
