using System.Text;
using SpeechToText.Core.Usage;

namespace SpeechToText.UnitTests.Usage;

/// <summary>
/// GET /v1/usage's JSON as the hand-written writer produced it, now from records: names, order, which group field is there
/// (and null for the empty model group), seconds rounded to 3 decimals, readable UTF-8, empty days as empty buckets.
/// </summary>
public class UsageReportJsonTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Three buckets (half a day, a whole one, a quarter); the third has no records.</summary>
    private static readonly UsageQuery Range = new(Start, Start.AddDays(2).AddHours(-6), UsageGrouping.None);

    private static readonly UsageRecord[] Records =
    [
        new()
        {
            Time = Start.AddHours(1), Id = "r1", KeyId = "caf\u00e9<key>", Operation = UsageRecord.Transcription, Model = "whisper-1",
            ServedModel = "whisper-local", AudioSeconds = 1.23456, Status = 200, UploadBytes = 1000, LatencyMs = 5,
        },
        new()
        {
            Time = Start.AddHours(2), Id = "r2", KeyId = "caf\u00e9<key>", Operation = UsageRecord.Transcription, Model = "gpt-4o-transcribe",
            AudioSeconds = 2.0004, InputTokens = 10, OutputTokens = 20, TotalTokens = 30, AudioTokens = 8, Status = 200, UploadBytes = 2000,
        },
        new() { Time = Start.AddHours(3), Id = "r3", KeyId = "admin", Operation = UsageRecord.Translation, Status = 400, ErrorCode = "invalid_value", UploadBytes = 3 },
        new()
        {
            Time = Start.AddHours(30), Id = "job-1", KeyId = UsageRecord.Pipeline, Operation = UsageRecord.Job, Model = "whisper-1", AudioSeconds = 600,
            Status = 500, ErrorCode = "job_failed", UploadBytes = 123456789,
        },
    ];

    private static string Render(UsageGrouping groupBy) => Encoding.UTF8.GetString(UsageReport.Render(Range with { GroupBy = groupBy }, Records));

    [Fact]
    public void Grouped_by_key_each_result_names_its_key_id() => Assert.Equal(
        """{"object":"page","data":[""" +
        """{"object":"bucket","start_time":1740830400,"end_time":1740873600,"results":[""" +
        """{"object":"usage.audio_transcriptions.result","api_key_id":"admin","num_model_requests":1,"seconds":0,"input_tokens":0,"output_tokens":0,"total_tokens":0,"input_audio_tokens":0,"errors":1,"upload_bytes":3},""" +
        """{"object":"usage.audio_transcriptions.result","api_key_id":"café<key>","num_model_requests":2,"seconds":3.235,"input_tokens":10,"output_tokens":20,"total_tokens":30,"input_audio_tokens":8,"errors":0,"upload_bytes":3000}]},""" +
        """{"object":"bucket","start_time":1740873600,"end_time":1740960000,"results":[""" +
        """{"object":"usage.audio_transcriptions.result","api_key_id":"pipeline","num_model_requests":1,"seconds":600,"input_tokens":0,"output_tokens":0,"total_tokens":0,"input_audio_tokens":0,"errors":1,"upload_bytes":123456789}]},""" +
        """{"object":"bucket","start_time":1740960000,"end_time":1740981600,"results":[]}],"has_more":false,"next_page":null}""",
        Render(UsageGrouping.Key));

    [Fact]
    public void Grouped_by_model_each_result_names_the_model_that_served_or_null() => Assert.Equal(
        """{"object":"page","data":[""" +
        """{"object":"bucket","start_time":1740830400,"end_time":1740873600,"results":[""" +
        """{"object":"usage.audio_transcriptions.result","model":null,"num_model_requests":1,"seconds":0,"input_tokens":0,"output_tokens":0,"total_tokens":0,"input_audio_tokens":0,"errors":1,"upload_bytes":3},""" +
        """{"object":"usage.audio_transcriptions.result","model":"gpt-4o-transcribe","num_model_requests":1,"seconds":2,"input_tokens":10,"output_tokens":20,"total_tokens":30,"input_audio_tokens":8,"errors":0,"upload_bytes":2000},""" +
        """{"object":"usage.audio_transcriptions.result","model":"whisper-local","num_model_requests":1,"seconds":1.235,"input_tokens":0,"output_tokens":0,"total_tokens":0,"input_audio_tokens":0,"errors":0,"upload_bytes":1000}]},""" +
        """{"object":"bucket","start_time":1740873600,"end_time":1740960000,"results":[""" +
        """{"object":"usage.audio_transcriptions.result","model":"whisper-1","num_model_requests":1,"seconds":600,"input_tokens":0,"output_tokens":0,"total_tokens":0,"input_audio_tokens":0,"errors":1,"upload_bytes":123456789}]},""" +
        """{"object":"bucket","start_time":1740960000,"end_time":1740981600,"results":[]}],"has_more":false,"next_page":null}""",
        Render(UsageGrouping.Model));

    [Fact]
    public void Ungrouped_one_result_counts_the_whole_day_without_a_group_field() => Assert.Equal(
        """{"object":"page","data":[""" +
        """{"object":"bucket","start_time":1740830400,"end_time":1740873600,"results":[""" +
        """{"object":"usage.audio_transcriptions.result","num_model_requests":3,"seconds":3.235,"input_tokens":10,"output_tokens":20,"total_tokens":30,"input_audio_tokens":8,"errors":1,"upload_bytes":3003}]},""" +
        """{"object":"bucket","start_time":1740873600,"end_time":1740960000,"results":[""" +
        """{"object":"usage.audio_transcriptions.result","num_model_requests":1,"seconds":600,"input_tokens":0,"output_tokens":0,"total_tokens":0,"input_audio_tokens":0,"errors":1,"upload_bytes":123456789}]},""" +
        """{"object":"bucket","start_time":1740960000,"end_time":1740981600,"results":[]}],"has_more":false,"next_page":null}""",
        Render(UsageGrouping.None));
}
