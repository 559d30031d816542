using System.Text;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Backends.WhisperCpp;

/// <summary>Words from whisper's BPE pieces: bytes joined before decoding, a leading space starts a word.</summary>
public class WordBuilderTests
{
    [Fact]
    public void A_character_split_across_two_pieces_survives()
    {
        var words = new List<TranscriptWord>();
        var builder = new WordBuilder();
        var bytes = Encoding.UTF8.GetBytes(" grüße");
        // "ü" is two bytes (C3 BC): split it between the pieces, as BPE can.
        builder.Add(bytes.AsSpan(0, 4), 1.0, 1.2, 0.5f);
        builder.Add(bytes.AsSpan(4), 1.2, 1.5, 1.0f);
        builder.FlushTo(words);
        var word = Assert.Single(words);
        Assert.Equal("grüße", word.Word);
        Assert.Equal(1.0, word.Start);
        Assert.Equal(1.5, word.End);
        Assert.Equal(0.75f, word.Probability);
    }

    [Fact]
    public void Flushing_twice_gives_no_empty_word_and_a_blank_piece_no_word()
    {
        var words = new List<TranscriptWord>();
        var builder = new WordBuilder();
        builder.FlushTo(words);
        builder.Add(" "u8, 0, 0.1, 1);
        builder.FlushTo(words);
        builder.FlushTo(words);
        Assert.Empty(words);
    }

    [Fact]
    public void The_end_never_precedes_the_start()
    {
        var words = new List<TranscriptWord>();
        var builder = new WordBuilder();
        builder.Add(" hi"u8, 2.0, 1.0, 1);
        builder.FlushTo(words);
        Assert.Equal(2.0, Assert.Single(words).End);
    }
}
