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
