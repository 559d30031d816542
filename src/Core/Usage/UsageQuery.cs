using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Usage;

/// <summary>
/// The parameters of GET /v1/usage: <c>start</c> and <c>end</c> (unix seconds or ISO-8601; default the current
/// UTC day, end exclusive) and <c>group_by</c> (<c>key</c> or <c>model</c>). Bad values are 400s.
/// </summary>
public sealed partial record UsageQuery(DateTimeOffset Start, DateTimeOffset End, UsageGrouping GroupBy)
{
    public static UsageQuery Parse(IQueryCollection query, DateTimeOffset now, int maxDays)
    {
        var start = Time(query, "start") ?? new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var end = Time(query, "end") ?? start.AddDays(1);
        if (end <= start)
        {
            throw ApiException.BadRequest("'end' must be later than 'start'.", "end");
        }
        if (end - start > TimeSpan.FromDays(maxDays))
        {
            throw ApiException.BadRequest($"The range from 'start' to 'end' may span at most {maxDays} days.", "end");
        }
        var groupBy = (query["group_by"].Count > 0 ? query["group_by"] : query["group_by[]"]).ToString() switch
        {
            "" => UsageGrouping.None,
            "key" or "api_key_id" => UsageGrouping.Key,
            "model" => UsageGrouping.Model,
            var other => throw ApiException.UnsupportedValue("group_by", $"Invalid 'group_by' value '{other}': use 'key' or 'model'."),
        };
        return new UsageQuery(start, end, groupBy);
    }

    /// <summary>The UTC days the range touches, in order.</summary>
    public IEnumerable<DateOnly> Days
    {
        get
        {
            for (var day = DateOnly.FromDateTime(Start.UtcDateTime); day.ToDateTime(TimeOnly.MinValue) < End.UtcDateTime; day = day.AddDays(1))
            {
                yield return day;
            }
        }
    }

    public bool Contains(UsageRecord record) => record.Time >= Start && record.Time < End;

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (query[name].ToString() is not { Length: > 0 } text)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds is >= 0 and <= 253_402_300_799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw ApiException.BadRequest($"'{name}' is out of range.", name);
        }
        // ISO-8601 with at least a full date (the lenient parser alone would take "12:00" as today's noon).
        return IsoDate().IsMatch(text)
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw ApiException.BadRequest($"'{name}' must be unix seconds or an ISO-8601 time, not '{text}'.", name);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]|$)")]
    private static partial Regex IsoDate();
}
