using System.Text.Json;

namespace SpeechToText.Core.Usage;

/// <summary>
/// GET /v1/usage's answer, in the shape of OpenAI's organization usage API: a page of one bucket per UTC
/// day, each with one result per group (or one for everything): requests, decoded seconds, tokens, errors.
/// </summary>
public static class UsageReport
{
    /// <summary>
    /// The records to count: a pipeline job is metered once, but a step that died between writing its record and
    /// marking it written can write it again; such a repeat (same job id) is counted once.
    /// </summary>
    public static IReadOnlyList<UsageRecord> CountedOnce(IEnumerable<UsageRecord> records)
    {
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        return [.. records.Where(r => r.Operation != UsageRecord.Job || jobs.Add(r.Id))];
    }

    public static byte[] Render(UsageQuery query, IReadOnlyCollection<UsageRecord> records) =>
        JsonSerializer.SerializeToUtf8Bytes(Page(query, records), UsageJsonContext.Relaxed.UsagePage);

    /// <summary>The page of the query's days: per day, one result per group in ordinal order of the group.</summary>
    public static UsagePage Page(UsageQuery query, IReadOnlyCollection<UsageRecord> records) => new()
    {
        Data = [.. query.Days.Select(day =>
        {
            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var bucketStart = dayStart > query.Start ? dayStart : query.Start;
            var bucketEnd = dayStart.AddDays(1) < query.End ? dayStart.AddDays(1) : query.End;
            return new UsageBucket
            {
                StartTime = bucketStart.ToUnixTimeSeconds(),
                EndTime = bucketEnd.ToUnixTimeSeconds(),
                Results = [.. records.Where(r => r.Time >= bucketStart && r.Time < bucketEnd)
                    .GroupBy(r => GroupOf(r, query.GroupBy), StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => Result(query.GroupBy, g.Key, g.ToList()))],
            };
        })],
    };

    /// <summary>By key id, or by the model that served (the one asked for when none did).</summary>
    private static string GroupOf(UsageRecord r, UsageGrouping groupBy) => groupBy switch
    {
        UsageGrouping.Key => r.KeyId,
        UsageGrouping.Model => r.ServedModel ?? r.Model ?? "",
        _ => "",
    };

    private static UsageResult Result(UsageGrouping groupBy, string group, List<UsageRecord> records)
    {
        var counts = new UsageResult
        {
            NumModelRequests = records.Count,
            Seconds = Math.Round(records.Sum(r => r.AudioSeconds), 3),
            InputTokens = records.Sum(r => (long)(r.InputTokens ?? 0)),
            OutputTokens = records.Sum(r => (long)(r.OutputTokens ?? 0)),
            TotalTokens = records.Sum(r => (long)(r.TotalTokens ?? 0)),
            InputAudioTokens = records.Sum(r => (long)(r.AudioTokens ?? 0)),
            Errors = records.Count(r => r.IsError),
            UploadBytes = records.Sum(r => r.UploadBytes),
        };
        return groupBy switch
        {
            UsageGrouping.Key => new KeyUsageResult(counts, group),
            UsageGrouping.Model => new ModelUsageResult(counts, group.Length == 0 ? null : group),
            _ => counts,
        };
    }
}
