using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Usage;

/// <summary>
/// One metered call: an HTTP request to an audio endpoint (whatever its outcome) or one blob-pipeline job.
/// Stored as one JSON line; it names the caller by the configured key id only, never the key or its hash.
/// </summary>
public sealed record UsageRecord
{
    public const string Transcription = "transcription";
    public const string Translation = "translation";
    public const string Job = "job";

    /// <summary>One committed turn of a realtime transcription session.</summary>
    public const string Realtime = "realtime";

    /// <summary>Key id of blob-pipeline jobs.</summary>
    public const string Pipeline = "pipeline";

    /// <summary>When the request arrived (or the job was created), UTC.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The request's trace identifier, or the job id.</summary>
    public required string Id { get; init; }

    public required string KeyId { get; init; }

    public required string Operation { get; init; }

    /// <summary>The model the caller asked for (null when the form never named one).</summary>
    public string? Model { get; init; }

    /// <summary>The model id that answered (a fallback's id when one did).</summary>
    public string? ServedModel { get; init; }

    /// <summary>The x-stt-backend value of the answer.</summary>
    public string? Backend { get; init; }

    public string? FellBackFrom { get; init; }

    /// <summary>Decoded audio length; 0 when the audio was never decoded.</summary>
    public double AudioSeconds { get; init; }

    public int? InputTokens { get; init; }

    public int? OutputTokens { get; init; }

    public int? TotalTokens { get; init; }

    public int? AudioTokens { get; init; }

    /// <summary>HTTP status sent (499 when the client went away first); for jobs 200 completed, 400 rejected, 500 failed.</summary>
    public required int Status { get; init; }

    /// <summary>The error envelope's code (or a streamed error event's), null on success.</summary>
    public string? ErrorCode { get; init; }

    public long LatencyMs { get; init; }

    public long UploadBytes { get; init; }

    public bool Stream { get; init; }

    [JsonIgnore]
    public bool IsError => Status >= 400 || ErrorCode is not null;

    /// <summary>The UTC day the record belongs to (its blob and its bucket).</summary>
    [JsonIgnore]
    public DateOnly Day => DateOnly.FromDateTime(Time.UtcDateTime);

    /// <summary>The record with the upstream's token counts, when it reported any.</summary>
    public UsageRecord WithTokens(TranscriptionUsage? usage) => usage is TokenUsage t
        ? this with { InputTokens = t.InputTokens, OutputTokens = t.OutputTokens, TotalTokens = t.TotalTokens, AudioTokens = t.AudioTokens }
        : this;

    public string ToJsonLine() => JsonSerializer.Serialize(this, UsageRecordJsonContext.Default.UsageRecord) + "\n";

    /// <summary>Parses one stored line; null for a line that is not a record (a torn write, a foreign line).</summary>
    public static UsageRecord? FromJsonLine(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, UsageRecordJsonContext.Default.UsageRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Encodes the longest run of records from the start of <paramref name="records"/> that share the first
    /// one's day and fit in <paramref name="maxBytes"/> (at least one record): one append block.
    /// </summary>
    public static (byte[] Block, int Count) EncodeBlock(IReadOnlyList<UsageRecord> records, int maxBytes)
    {
        var day = records[0].Day;
        var buffer = new MemoryStream();
        int count = 0;
        foreach (var record in records)
        {
            var line = Encoding.UTF8.GetBytes(record.ToJsonLine());
            if (record.Day != day || (count > 0 && buffer.Length + line.Length > maxBytes))
            {
                break;
            }
            buffer.Write(line);
            count++;
        }
        return (buffer.ToArray(), count);
    }

    /// <summary>Parses a stored JSON-lines document, skipping lines that are not records.</summary>
    public static IEnumerable<UsageRecord> ParseLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(FromJsonLine).OfType<UsageRecord>();
}
