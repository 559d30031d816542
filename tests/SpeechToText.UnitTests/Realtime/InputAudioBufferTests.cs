using SpeechToText.Core.Realtime;

namespace SpeechToText.UnitTests.Realtime;

public class InputAudioBufferTests
{
    [Fact]
    public void Samples_keep_their_timeline_positions_as_turns_are_taken()
    {
        var b = new InputAudioBuffer(capacity: 10);
        Assert.True(b.TryAppend([1, 2, 3, 4, 5, 6]));
        Assert.Equal([1, 2, 3, 4], b.TakeUntil(4));
        Assert.Equal((4L, 2, 6L), (b.Start, b.Count, b.End));
        Assert.True(b.TryAppend([7, 8]));
        Assert.Equal([6, 7, 8], b.From(5).ToArray());
        b.DropBefore(6);
        Assert.Equal([7, 8], b.From(0).ToArray());
        b.Clear();
        Assert.Equal((8L, 0), (b.Start, b.Count));
    }

    [Fact]
    public void An_append_past_the_capacity_is_refused_whole()
    {
        var b = new InputAudioBuffer(capacity: 4, start: 100);
        Assert.True(b.TryAppend([1, 2, 3]));
        Assert.False(b.TryAppend([4, 5]));
        Assert.Equal(3, b.Count);
        Assert.True(b.TryAppend([4]));
        Assert.Equal(104L, b.End);
    }
}
