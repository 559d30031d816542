namespace SpeechToText.Core.Jobs;

/// <summary>
/// What a job looks like from outside: the HTTP status endpoints and the <c>&lt;input&gt;.status.json</c>
/// document in the output container.
/// </summary>
public sealed record JobStatus
{
    public string Object { get; init; } = "transcription.job";
    public required string Id { get; init; }
    public required string State { get; init; }
    public required string Input { get; init; }
    public required string InputContainer { get; init; }
    public string? Model { get; init; }
    public double? DurationSeconds { get; init; }
    public required int ChunksDone { get; init; }
    public required int ChunksTotal { get; init; }
    public required JobTimings Timings { get; init; }
    public required string OutputContainer { get; init; }
    public required IReadOnlyList<string> Outputs { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<ChunkStatus>? FailedChunks { get; init; }

    public static JobStatus From(JobManifest m, StorageOptions storage) => new()
    {
        Id = m.JobId,
        State = m.State.ToString().ToLowerInvariant(),
        Input = m.Input.Name,
        InputContainer = m.Input.Container,
        Model = m.Options.Model,
        DurationSeconds = m.DurationSeconds,
        ChunksDone = m.ChunksDone,
        ChunksTotal = m.Chunks.Count,
        Timings = m.Timings,
        OutputContainer = storage.OutputContainer,
        Outputs = m.Outputs,
        Error = m.Error,
        FailedChunks = m.Chunks.Any(c => c.Error is not null)
            ? [.. m.Chunks.Where(c => c.Error is not null).Select(c => new ChunkStatus(c.Index, c.State.ToString().ToLowerInvariant(), c.Attempts, c.Error))]
            : null,
    };
}

public sealed record ChunkStatus(int Index, string State, int Attempts, string? Error);
