
namespace SpeechToText.Core.Jobs;

/// <summary>
/// Chooses cut points in silence. <paramref name="samples"/> is the whole recording as 16 kHz mono PCM;
/// implementations look for silence (the Silero VAD) only near each target cut, so planning a long file
/// costs a small fraction of transcribing it.
/// </summary>
public interface IChunkPlanner
{
    Task<PlannedChunks> PlanAsync(ReadOnlyMemory<float> samples, ChunkLimits limits, CancellationToken cancellationToken);
}
