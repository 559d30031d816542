using System.Text.Json;
using SpeechToText.Core.Transcription;

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

    public static byte[] Render(UsageQuery query, IReadOnlyCollection<UsageRecord> records) => TranscriptionWriter.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "page");
        w.WriteStartArray("data");
        foreach (var day in query.Days)
        {
            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var bucketStart = dayStart > query.Start ? dayStart : query.Start;
            var bucketEnd = dayStart.AddDays(1) < query.End ? dayStart.AddDays(1) : query.End;
            w.WriteStartObject();
            w.WriteString("object", "bucket");
            w.WriteNumber("start_time", bucketStart.ToUnixTimeSeconds());
            w.WriteNumber("end_time", bucketEnd.ToUnixTimeSeconds());
            w.WriteStartArray("results");
            var groups = records.Where(r => r.Time >= bucketStart && r.Time < bucketEnd)
                .GroupBy(r => GroupOf(r, query.GroupBy), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                WriteResult(w, query.GroupBy, group.Key, group.ToList());
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("has_more", false);
        w.WriteNull("next_page");
        w.WriteEndObject();
    });

    /// <summary>By key id, or by the model that served (the one asked for when none did).</summary>
    private static string GroupOf(UsageRecord r, UsageGrouping groupBy) => groupBy switch
    {
        UsageGrouping.Key => r.KeyId,
        UsageGrouping.Model => r.ServedModel ?? r.Model ?? "",
        _ => "",
    };

    private static void WriteResult(Utf8JsonWriter w, UsageGrouping groupBy, string group, List<UsageRecord> records)
    {
        w.WriteStartObject();
        w.WriteString("object", "usage.audio_transcriptions.result");
        if (groupBy == UsageGrouping.Key)
        {
            w.WriteString("api_key_id", group);
        }
        else if (groupBy == UsageGrouping.Model)
        {
            if (group.Length == 0) { w.WriteNull("model"); } else { w.WriteString("model", group); }
        }
        w.WriteNumber("num_model_requests", records.Count);
        w.WriteNumber("seconds", Math.Round(records.Sum(r => r.AudioSeconds), 3));
        w.WriteNumber("input_tokens", records.Sum(r => (long)(r.InputTokens ?? 0)));
        w.WriteNumber("output_tokens", records.Sum(r => (long)(r.OutputTokens ?? 0)));
        w.WriteNumber("total_tokens", records.Sum(r => (long)(r.TotalTokens ?? 0)));
        w.WriteNumber("input_audio_tokens", records.Sum(r => (long)(r.AudioTokens ?? 0)));
        w.WriteNumber("errors", records.Count(r => r.IsError));
        w.WriteNumber("upload_bytes", records.Sum(r => r.UploadBytes));
        w.WriteEndObject();
    }
}
