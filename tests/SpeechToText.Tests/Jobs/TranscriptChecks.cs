using System.Text.Json;

namespace SpeechToText.Tests.Jobs;

public static class TranscriptChecks
{
    /// <summary>Segment ids 0..n-1, start times never going back, and exactly the expected number of segments.</summary>
    public static void AssertContiguous(JsonDocument verbose, int expectedSegments)
    {
        var segments = verbose.RootElement.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(expectedSegments, segments.Count);
        double last = -1;
        for (int i = 0; i < segments.Count; i++)
        {
            Assert.Equal(i, segments[i].GetProperty("id").GetInt32());
            double start = segments[i].GetProperty("start").GetDouble();
            Assert.True(start >= last, $"segment {i} starts at {start} before {last}");
            last = start;
        }
    }
}
