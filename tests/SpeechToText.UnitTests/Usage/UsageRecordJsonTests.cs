using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechToText.Core.Usage;

namespace SpeechToText.UnitTests.Usage;

/// <summary>A usage line is stored for years: the source-generated form must read and write what was stored before.</summary>
public class UsageRecordJsonTests
{
    private static readonly UsageRecord Full = new()
    {
        Time = new DateTimeOffset(2026, 12, 2, 13, 5, 7, 250, TimeSpan.Zero),
        Id = "req_0f3a", KeyId = "clé-équipe", Operation = UsageRecord.Transcription, Model = "gpt-4o-transcribe",
        ServedModel = "whisper-1", Backend = "whisper.cpp", FellBackFrom = "gpt-4o-transcribe", AudioSeconds = 12.345,
        InputTokens = 10, OutputTokens = 20, TotalTokens = 30, AudioTokens = 8, Status = 200, UploadBytes = 123_456, Stream = true,
    };

    private const string FullLine =
        """{"time":"2026-12-02T13:05:07.25+00:00","id":"req_0f3a","key_id":"cl\u00E9-\u00E9quipe","operation":"transcription","model":"gpt-4o-transcribe","served_model":"whisper-1","backend":"whisper.cpp","fell_back_from":"gpt-4o-transcribe","audio_seconds":12.345,"input_tokens":10,"output_tokens":20,"total_tokens":30,"audio_tokens":8,"status":200,"latency_ms":0,"upload_bytes":123456,"stream":true}""";

    /// <summary>What the reflection serializer wrote before the context existed: the oracle.</summary>
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    [Fact]
    public void A_record_is_one_line_in_the_stored_shape()
    {
        Assert.Equal(FullLine + "\n", Full.ToJsonLine());
        Assert.Equal(JsonSerializer.Serialize(Full, Reflection) + "\n", Full.ToJsonLine());
        var minimal = new UsageRecord { Time = Full.Time, Id = "job_1", KeyId = "pipeline", Operation = UsageRecord.Job, Status = 500, ErrorCode = "job_failed" };
        Assert.Equal(JsonSerializer.Serialize(minimal, Reflection) + "\n", minimal.ToJsonLine());
        Assert.DoesNotContain("is_error", minimal.ToJsonLine());
        Assert.DoesNotContain("\"day\"", minimal.ToJsonLine());
    }

    [Fact]
    public void Lines_read_back_as_the_records_they_were_and_torn_lines_are_skipped()
    {
        Assert.Equal(Full, UsageRecord.FromJsonLine(FullLine));
        Assert.Equal(Full, UsageRecord.FromJsonLine(JsonSerializer.Serialize(Full, Reflection)));
        Assert.Null(UsageRecord.FromJsonLine(FullLine[..40]));
        Assert.Null(UsageRecord.FromJsonLine("not json"));
    }
}
