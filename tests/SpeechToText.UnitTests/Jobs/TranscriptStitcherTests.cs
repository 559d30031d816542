
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Jobs;

public sealed class TranscriptStitcherTests
{
    private static TranscriptSegment Segment(int id, double start, double end, string text, params TranscriptWord[] words) =>
        new() { Id = id, Seek = (int)Math.Round(start * 100), Start = start, End = end, Text = text, Tokens = [100 + id], Words = words };

    private static ChunkTranscript Chunk(int index, double start, double end, string? language, TranscriptionUsage? usage,
        params TranscriptSegment[] segments) =>
        new(new ChunkPlan(index, start, end), new TranscriptionResult
        {
            Text = string.Concat(segments.Select(s => s.Text)).Trim(),
            Language = language,
            Duration = end - start,
            Segments = segments,
            Usage = usage,
        });

    [Fact]
    public void Segments_and_words_move_to_the_original_timeline_with_new_ids_and_seeks()
    {
        var first = Chunk(0, 0, 300, "en", new DurationUsage(300),
            Segment(0, 0.0, 2.5, " Hello world.", new("Hello", 0.0, 0.4), new("world.", 0.5, 1.0)),
            Segment(1, 296.0, 299.5, " This is the end of part one."));
        var second = Chunk(1, 300, 420.5, "en", new DurationUsage(120.5),
            Segment(0, 0.25, 2.0, " Part two begins.", new("Part", 0.25, 0.6, 0.9f), new("two", 0.7, 1.0), new("begins.", 1.1, 2.0)),
            Segment(1, 3.0, 4.5, " And goes on."));

        var result = TranscriptStitcher.Stitch([second, first], 420.5);

        Assert.Equal([0, 1, 2, 3], result.Segments.Select(s => s.Id));
        Assert.Equal([0.0, 296.0, 300.25, 303.0], result.Segments.Select(s => s.Start));
        Assert.Equal([2.5, 299.5, 302.0, 304.5], result.Segments.Select(s => s.End));
        Assert.Equal([0, 29600, 30025, 30300], result.Segments.Select(s => s.Seek));
        Assert.Equal([100, 101, 100, 101], result.Segments.Select(s => s.Tokens[0]));
        Assert.Equal(
            [new("Hello", 0.0, 0.4), new("world.", 0.5, 1.0), new("Part", 300.25, 300.6, 0.9f), new("two", 300.7, 301.0), new("begins.", 301.1, 302.0)],
            result.Words);
        Assert.Equal("Hello world. This is the end of part one. Part two begins. And goes on.", result.Text);
        Assert.Equal(420.5, result.Duration);
        Assert.Equal(new DurationUsage(420.5), result.Usage);
        Assert.Equal("en", result.Language);
        Assert.Null(result.WordTimings);
    }

    [Fact]
    public void A_segment_an_overlapping_chunk_repeats_is_dropped_but_new_words_there_are_kept()
    {
        var first = Chunk(0, 0, 300, "en", null,
            Segment(0, 290.0, 295.0, " We met at noon."),
            Segment(1, 296.0, 299.5, " This is the END of part one!"));
        // The second chunk starts 2 s early and hears the tail of the first again.
        var second = Chunk(1, 298, 400, "en", null,
            Segment(0, 0.0, 1.5, " the end of part one."),
            Segment(1, 1.0, 1.4, " Really?"),
            Segment(2, 2.0, 4.0, " Part two."));

        var result = TranscriptStitcher.Stitch([first, second], 400);

        Assert.Equal([" We met at noon.", " This is the END of part one!", " Really?", " Part two."], result.Segments.Select(s => s.Text));
        Assert.Equal([0, 1, 2, 3], result.Segments.Select(s => s.Id));
        Assert.Equal([290.0, 296.0, 299.0, 300.0], result.Segments.Select(s => s.Start));
        Assert.Equal("We met at noon. This is the END of part one! Really? Part two.", result.Text);
    }

    [Fact]
    public void Text_has_exactly_one_space_between_words_whatever_the_pieces_look_like()
    {
        var whisper = Chunk(0, 0, 100, "en", null, Segment(0, 0, 2, "No leading space."), Segment(1, 3, 4, "  Two  spaces\tand a tab. "));
        // A gpt-4o answer in json: text only, no segments.
        var textOnly = new ChunkTranscript(new ChunkPlan(1, 100, 200),
            new TranscriptionResult { Text = "Text only\nchunk.", Duration = 100 });
        var chinese1 = Chunk(2, 200, 300, "zh", null, Segment(0, 0, 2, "你好。"));
        var chinese2 = Chunk(3, 300, 400, "zh", null, Segment(0, 0, 2, "世界。"));

        var result = TranscriptStitcher.Stitch([whisper, textOnly, chinese1, chinese2], 400);

        Assert.Equal("No leading space. Two spaces and a tab. Text only chunk. 你好。世界。", result.Text);
    }

    [Fact]
    public void The_language_is_the_first_reported_or_when_chunks_disagree_the_one_covering_most_audio()
    {
        var unknown = Chunk(0, 0, 10, null, null, Segment(0, 0, 1, " Hm."));
        var german = Chunk(1, 10, 20, "de", null, Segment(0, 0, 1, " Ja."));
        var english = Chunk(2, 20, 50, "en", null, Segment(0, 0, 1, " Yes."));
        var german2 = Chunk(3, 50, 60, "DE", null, Segment(0, 0, 1, " Gut."));

        Assert.Equal("de", TranscriptStitcher.Stitch([unknown, german], 20).Language);
        Assert.Equal("en", TranscriptStitcher.Stitch([unknown, german, english, german2], 60).Language);
        Assert.Equal("de", TranscriptStitcher.Stitch([german, Chunk(2, 20, 30, "en", null), german2], 60).Language);
        Assert.Null(TranscriptStitcher.Stitch([unknown], 10).Language);
    }

    [Fact]
    public void Usage_adds_up_seconds_or_tokens_and_mixed_billing_counts_the_whole_audio()
    {
        static ChunkTranscript With(int i, TranscriptionUsage? usage) => Chunk(i, i * 10, i * 10 + 10, "en", usage);

        Assert.Equal(new DurationUsage(19.5),
            TranscriptStitcher.Stitch([With(0, new DurationUsage(10)), With(1, new DurationUsage(9.5))], 20).Usage);
        Assert.Equal(new TokenUsage(11, 22, 33, 44, 55),
            TranscriptStitcher.Stitch([With(0, new TokenUsage(1, 2, 3, 4, 5)), With(1, new TokenUsage(10, 20, 30, 40, 50))], 20).Usage);
        Assert.Equal(new DurationUsage(20),
            TranscriptStitcher.Stitch([With(0, new TokenUsage(1, 2, 3, 4, 5)), With(1, new DurationUsage(10))], 20).Usage);
        Assert.Equal(new DurationUsage(20), TranscriptStitcher.Stitch([With(0, null), With(1, new DurationUsage(10))], 20).Usage);
        Assert.Null(TranscriptStitcher.Stitch([With(0, null), With(1, null)], 20).Usage);
    }

    [Fact]
    public void Top_level_word_timings_are_shifted_and_repeats_in_an_overlap_dropped()
    {
        var first = new ChunkTranscript(new ChunkPlan(0, 0, 60), new TranscriptionResult
        {
            Text = "one two",
            Duration = 60,
            WordTimings = [new("one", 58.0, 58.5), new("two", 59.0, 59.5)],
        });
        var second = new ChunkTranscript(new ChunkPlan(1, 59, 120), new TranscriptionResult
        {
            Text = "two three",
            Duration = 61,
            WordTimings = [new("two", 0.0, 0.5), new("three", 1.0, 1.5)],
        });

        var result = TranscriptStitcher.Stitch([first, second], 120);

        Assert.Equal([new("one", 58.0, 58.5), new("two", 59.0, 59.5), new("three", 60.0, 60.5)], result.WordTimings!);
    }

    [Fact]
    public void The_task_is_kept_and_mixing_transcription_with_translation_is_refused()
    {
        var translated = new ChunkTranscript(new ChunkPlan(0, 0, 10),
            new TranscriptionResult { Task = TranscriptionTask.Translate, Text = "Hi.", Duration = 10 });
        var transcribed = new ChunkTranscript(new ChunkPlan(1, 10, 20), new TranscriptionResult { Text = "Hallo.", Duration = 10 });

        Assert.Equal(TranscriptionTask.Translate, TranscriptStitcher.Stitch([translated], 10).Task);
        Assert.Throws<ArgumentException>(() => TranscriptStitcher.Stitch([translated, transcribed], 20));
        Assert.Throws<ArgumentException>(() => TranscriptStitcher.Stitch([], 0));
    }

    [Theory]
    [InlineData("First one. Second one! And the last sentence here.", 200, "And the last sentence here.")]
    [InlineData("Only one sentence without an end", 200, "Only one sentence without an end")]
    [InlineData("Is it? Yes", 200, "Yes")]
    [InlineData("Earlier. A rather long closing sentence that goes on", 20, "that goes on")]
    [InlineData("Earlier. A rather long closing sentence that goes on", 21, "sentence that goes on")]
    [InlineData("Earlier. abcdefghijklmnopqrstuvwxyz", 10, "qrstuvwxyz")]
    [InlineData("  Spaced   out.  ", 200, "Spaced out.")]
    [InlineData("他来了。我们走吧。", 200, "我们走吧。")]
    public void The_prompt_is_the_last_sentence_or_its_last_characters_from_a_word_start(string text, int maxChars, string expected)
    {
        Assert.Equal(expected, TranscriptStitcher.PromptFrom(new TranscriptionResult { Text = text, Duration = 1 }, maxChars));
    }

    [Fact]
    public void There_is_no_prompt_after_a_chunk_without_text()
    {
        Assert.Null(TranscriptStitcher.PromptFrom(new TranscriptionResult { Text = "  ", Duration = 1 }));
    }
}
