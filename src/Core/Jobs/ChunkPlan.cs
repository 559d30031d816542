
namespace SpeechToText.Core.Jobs;

/// <summary>One planned piece of a long recording, in seconds of the original audio.</summary>
public sealed record ChunkPlan(int Index, double Start, double End)
{
    public double Duration => End - Start;
}
