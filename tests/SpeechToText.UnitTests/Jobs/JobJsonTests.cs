using System.Text;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Jobs;

/// <summary>
/// The pipeline's stored documents and the job status answer through the source-generated context: the text is the one
/// the reflection-based serializer wrote (documents already in storage stay readable, clients see the same status).
/// </summary>
public class JobJsonTests
{
    private static string Text(BinaryData data) => Encoding.UTF8.GetString(data.ToArray());

    private static TranscriptionResult Chunk(TranscriptionUsage usage) => new()
    {
        Task = TranscriptionTask.Translate, Text = " Hello w\u00f6rld.", Language = "en", Duration = 12.345,
        Segments =
        [
            new TranscriptSegment
            {
                Id = 0, Seek = 10, Start = 0.1, End = 2.5, Text = " Hello w\u00f6rld.", Tokens = [1, 2], Temperature = 0.2, AvgLogprob = -0.25,
                CompressionRatio = 1.5, NoSpeechProb = 0.01, Words = [new("Hello", 0.1, 0.5, 0.9f), new("w\u00f6rld.", 0.6, 2.5)], Speaker = "A",
            },
        ],
        Usage = usage,
        Logprobs = [new TokenLogprob("Hello", -0.1, [72, 101])],
    };

    [Fact]
    public void A_status_document_keeps_its_names_order_escaping_and_leaves_out_nulls()
    {
        var status = new JobStatus
        {
            Id = "job-\u00e9", State = JobStates.Failed, Input = "talks/caf\u00e9 \"one\".mp3", InputContainer = "input", Model = null,
            DurationSeconds = 1234.5678, ChunksDone = 3, ChunksTotal = 5,
            Timings = new JobTimings
            {
                CreatedAt = new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero), PlannedAt = new DateTimeOffset(2025, 3, 1, 13, 0, 1, TimeSpan.FromHours(2)),
                DecodeSeconds = 0.5, PlanSeconds = 1.25, FailedAt = new DateTimeOffset(2025, 3, 1, 12, 5, 0, TimeSpan.Zero),
            },
            OutputContainer = "output", Outputs = [], Error = "Chunk 3 failed <twice>: \u00e9",
            FailedChunks = [new ChunkStatus(3, JobStates.Failed, 2, "upstream 500")],
        };
        var json = JobJson.Serialize(status, JobJsonContext.Default.JobStatus);
        Assert.Equal(
            """
            {
              "object": "transcription.job",
              "id": "job-\u00E9",
              "state": "failed",
              "input": "talks/caf\u00E9 \u0022one\u0022.mp3",
              "input_container": "input",
              "duration_seconds": 1234.5678,
              "chunks_done": 3,
              "chunks_total": 5,
              "timings": {
                "created_at": "2025-03-01T12:00:00.123+00:00",
                "planned_at": "2025-03-01T13:00:01+02:00",
                "decode_seconds": 0.5,
                "plan_seconds": 1.25,
                "failed_at": "2025-03-01T12:05:00+00:00"
              },
              "output_container": "output",
              "outputs": [],
              "error": "Chunk 3 failed \u003Ctwice\u003E: \u00E9",
              "failed_chunks": [
                {
                  "index": 3,
                  "state": "failed",
                  "attempts": 2,
                  "error": "upstream 500"
                }
              ]
            }
            """.ReplaceLineEndings(), Text(json));

        var back = JobJson.Deserialize(json, JobJsonContext.Default.JobStatus);
        Assert.Equal((status.Id, status.Input, status.Timings), (back.Id, back.Input, back.Timings));
        Assert.Equal(status.FailedChunks, back.FailedChunks);
        Assert.Equal(Text(json), Text(JobJson.Serialize(back, JobJsonContext.Default.JobStatus)));
    }

    [Fact]
    public void A_chunk_result_written_before_the_context_reads_back_with_its_token_usage()
    {
        var stored = BinaryData.FromString(
            """
            {
              "task": 1,
              "text": " Hello w\u00F6rld.",
              "language": "en",
              "duration": 12.345,
              "segments": [
                {
                  "id": 0,
                  "seek": 10,
                  "start": 0.1,
                  "end": 2.5,
                  "text": " Hello w\u00F6rld.",
                  "tokens": [
                    1,
                    2
                  ],
                  "temperature": 0.2,
                  "avg_logprob": -0.25,
                  "compression_ratio": 1.5,
                  "no_speech_prob": 0.01,
                  "words": [
                    {
                      "word": "Hello",
                      "start": 0.1,
                      "end": 0.5,
                      "probability": 0.9
                    },
                    {
                      "word": "w\u00F6rld.",
                      "start": 0.6,
                      "end": 2.5,
                      "probability": 1
                    }
                  ],
                  "speaker": "A"
                }
              ],
              "usage": {
                "type": "tokens",
                "input_tokens": 1,
                "output_tokens": 2,
                "total_tokens": 3,
                "audio_tokens": 4,
                "text_tokens": 5
              },
              "logprobs": [
                {
                  "token": "Hello",
                  "logprob": -0.1,
                  "bytes": [
                    72,
                    101
                  ]
                }
              ],
              "words": [
                {
                  "word": "Hello",
                  "start": 0.1,
                  "end": 0.5,
                  "probability": 0.9
                },
                {
                  "word": "w\u00F6rld.",
                  "start": 0.6,
                  "end": 2.5,
                  "probability": 1
                }
              ]
            }
            """.ReplaceLineEndings());
        var result = JobJson.Deserialize(stored, JobJsonContext.Default.TranscriptionResult);
        Assert.Equal(new TokenUsage(1, 2, 3, 4, 5), result.Usage);
        Assert.Equal(TranscriptionTask.Translate, result.Task);
        Assert.Equal(["Hello", "w\u00f6rld."], result.Segments.Single().Words.Select(w => w.Word));
        // Written again, and written from scratch, it is the same text.
        Assert.Equal(stored.ToString(), Text(JobJson.Serialize(result, JobJsonContext.Default.TranscriptionResult)));
        Assert.Equal(stored.ToString(), Text(JobJson.Serialize(Chunk(new TokenUsage(1, 2, 3, 4, 5)), JobJsonContext.Default.TranscriptionResult)));
    }

    [Theory]
    [InlineData("duration")]
    [InlineData("tokens")]
    public void A_chunk_result_round_trips_with_either_kind_of_usage(string kind)
    {
        TranscriptionUsage usage = kind == "duration" ? new DurationUsage(12.345) : new TokenUsage(1, 2, 3, 4, 5);
        var json = JobJson.Serialize(Chunk(usage), JobJsonContext.Default.TranscriptionResult);
        Assert.Contains($"\"type\": \"{kind}\"", Text(json));

        var back = JobJson.Deserialize(json, JobJsonContext.Default.TranscriptionResult);

        Assert.Equal(usage, back.Usage);
        var segment = back.Segments.Single();
        Assert.Equal((0.1, 2.5, " Hello w\u00f6rld.", "A"), (segment.Start, segment.End, segment.Text, segment.Speaker));
        Assert.Equal([1, 2], segment.Tokens);
        Assert.Equal([new("Hello", 0.1, 0.5, 0.9f), new("w\u00f6rld.", 0.6, 2.5)], segment.Words);
        Assert.Equal(Text(json), Text(JobJson.Serialize(back, JobJsonContext.Default.TranscriptionResult)));
    }
}
