namespace SpeechToText.Core.Usage;

/// <summary>Where usage records are kept: append blobs (<see cref="BlobUsageStore"/>) or local files (<see cref="FileUsageStore"/>).</summary>
public interface IUsageStore
{
    /// <summary>
    /// Writes a run of records from the start of <paramref name="records"/> as one append and returns how many
    /// it wrote (at least one). Throws when nothing was written, so the caller keeps every record and retries.
    /// </summary>
    Task<int> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Every stored record of one UTC day, from all instances.</summary>
    IAsyncEnumerable<UsageRecord> ReadDayAsync(DateOnly day, CancellationToken cancellationToken);
}
