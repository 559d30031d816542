using System.Text;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Jobs;

public sealed class TranscriptFilesTests
{
    /// <summary>Two chunks of a 9.5 s recording, stitched: the small case every output is pinned on.</summary>
    private static TranscriptionResult Stitched() => TranscriptStitcher.Stitch(
    [
        new(new ChunkPlan(0, 0, 5), new TranscriptionResult
        {
            Text = "Hello world.",
            Language = "en",
            Duration = 5,
            Usage = new DurationUsage(5),
            Segments =
            [
                new() { Id = 0, Start = 0.5, End = 1.75, Text = " Hello world.", Tokens = [1, 2], AvgLogprob = -0.25,
                    Words = [new("Hello", 0.5, 1.0), new("world.", 1.1, 1.75)] },
            ],
        }),
        new(new ChunkPlan(1, 5, 9.5), new TranscriptionResult
        {
            Text = "Second part.",
            Language = "en",
            Duration = 4.5,
            Usage = new DurationUsage(4.5),
            Segments =
            [
                new() { Id = 0, Start = 0.25, End = 2.0, Text = " Second part.", Tokens = [3], NoSpeechProb = 0.125,
                    Words = [new("Second", 0.25, 0.9), new("part.", 1.0, 2.0)] },
            ],
        }),
    ], 9.5);

    [Fact]
    public void All_five_files_are_rendered_by_the_api_writers()
    {
        var files = TranscriptFiles.Render(Stitched());

        Assert.Equal(TranscriptOutputs.All.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("""{"text":"Hello world. Second part.","usage":{"type":"duration","seconds":10}}""", Text(files["json"].Body));
        // One line in the file; broken here at each segment and word list for reading.
        var verbose = """
            {"task":"transcribe","language":"english","duration":9.5,"text":"Hello world. Second part.","segments":[
            {"id":0,"seek":50,"start":0.5,"end":1.75,"text":" Hello world.","tokens":[1,2],"temperature":0.0,"avg_logprob":-0.25,"compression_ratio":0.0,"no_speech_prob":0.0},
            {"id":1,"seek":525,"start":5.25,"end":7.0,"text":" Second part.","tokens":[3],"temperature":0.0,"avg_logprob":0.0,"compression_ratio":0.0,"no_speech_prob":0.125}],
            "words":[{"word":"Hello","start":0.5,"end":1.0},{"word":"world.","start":1.1,"end":1.75},
            {"word":"Second","start":5.25,"end":5.9},{"word":"part.","start":6.0,"end":7.0}],
            "usage":{"type":"duration","seconds":10}}
            """;
        Assert.Equal(verbose.Replace("\n", "", StringComparison.Ordinal), Text(files["verbose.json"].Body));
        Assert.Equal("1\n00:00:00,500 --> 00:00:01,750\nHello world.\n\n2\n00:00:05,250 --> 00:00:07,000\nSecond part.\n\n",
            Text(files["srt"].Body));
        Assert.Equal("WEBVTT\n\n00:00:00.500 --> 00:00:01.750\nHello world.\n\n00:00:05.250 --> 00:00:07.000\nSecond part.\n\n",
            Text(files["vtt"].Body));
        Assert.Equal("Hello world. Second part.\n", Text(files["txt"].Body));
        Assert.Equal("application/json; charset=utf-8", files["json"].ContentType);
        Assert.Equal("application/json; charset=utf-8", files["verbose.json"].ContentType);
        Assert.Equal("text/plain; charset=utf-8", files["srt"].ContentType);
        Assert.Equal("text/vtt; charset=utf-8", files["vtt"].ContentType);
        Assert.Equal("text/plain; charset=utf-8", files["txt"].ContentType);
    }

    [Fact]
    public void A_subset_is_chosen_by_extension_or_by_the_apis_format_names()
    {
        var files = TranscriptFiles.Render(Stitched(), ["verbose_json", "TEXT", " srt ", "txt"]);

        Assert.Equal(["srt", "txt", "verbose.json"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["verbose.json", "txt", "srt"], TranscriptFiles.Select(["verbose_json", "TEXT", " srt ", "txt"]));
        Assert.Equal("Hello world. Second part.\n", Text(files["txt"].Body));
        Assert.Same(TranscriptOutputs.All, TranscriptFiles.Select(null));
    }

    [Theory]
    [InlineData("diarized_json")]
    [InlineData("verbose")]
    [InlineData("")]
    public void Unknown_format_names_are_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => TranscriptFiles.Render(Stitched(), ["json", name]));
        Assert.Contains("verbose_json", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TranscriptFiles.Select([]));
    }

    private static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
