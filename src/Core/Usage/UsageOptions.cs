namespace SpeechToText.Core.Usage;

/// <summary>
/// Section "Usage": metering of every audio request and pipeline job. Records are buffered in memory and
/// written in batches as JSON lines, to append blobs in the configured storage (Storage:*) or, without
/// storage, to files in <see cref="LocalDirectory"/>; one blob or file per UTC day and instance.
/// </summary>
public sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>Container of the usage blobs: <c>yyyy/MM/dd/&lt;instance&gt;.jsonl</c>.</summary>
    public string Container { get; set; } = "usage";

    /// <summary>Where the same JSON lines go when no storage is configured.</summary>
    public string LocalDirectory { get; set; } = DefaultLocalDirectory();

    /// <summary>Names this instance's blobs, so instances never append to the same blob. Default: host name and process id.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Longest time a record waits in memory before it is written.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A write starts early once this many records are waiting.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Records kept in memory while storage is slow or down; beyond this new records are dropped (and logged).</summary>
    public int MaxBufferedRecords { get; set; } = 100_000;

    /// <summary>First pause after a failed write; doubles per failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long GET /v1/usage waits for buffered records to be written, and shutdown for the last ones.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest append block (Azure's limit is 4 MiB).</summary>
    public int MaxBlockBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Blocks per append blob before rolling to <c>&lt;instance&gt;-2.jsonl</c> (Azure's limit is 50,000).</summary>
    public int MaxBlocksPerBlob { get; set; } = 50_000;

    /// <summary>Longest range GET /v1/usage answers, in days.</summary>
    public int MaxQueryDays { get; set; } = 31;

    /// <summary>The blob (or file) name of an instance's records of one day; parts after the first are numbered from 2.</summary>
    public string BlobName(DateOnly day, int part) =>
        $"{DayPrefix(day)}{InstanceId}{(part > 1 ? $"-{part}" : "")}.jsonl";

    public static string DayPrefix(DateOnly day) => $"{day:yyyy'/'MM'/'dd}/";

    private static string DefaultLocalDirectory()
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(string.IsNullOrEmpty(data) ? Path.GetTempPath() : data, "stt-service", "usage");
    }
}
