// ============================================================================================
// INTERIM (branch jobsinfra only): placeholders until the jobslogic branch is merged, which
// brings SileroChunkPlanner, TranscriptStitcher and TranscriptFiles. The merge DELETES this file.
// Fixed-length cuts, naive stitching (shift, renumber, concatenate), rendering via TranscriptionWriter.
// ============================================================================================
using SpeechToText.Core.Api;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>INTERIM: cuts every TargetSeconds, ignoring silence.</summary>
public sealed class FixedLengthChunkPlanner : IChunkPlanner
{
    public Task<IReadOnlyList<ChunkPlan>> PlanAsync(ReadOnlyMemory<float> samples, ChunkLimits limits, CancellationToken cancellationToken)
    {
        double total = samples.Length / 16000.0;
        var plans = new List<ChunkPlan>();
        for (double start = 0; start < total; start += limits.TargetSeconds)
        {
            plans.Add(new ChunkPlan(plans.Count, start, Math.Min(total, start + limits.TargetSeconds)));
        }
        return Task.FromResult<IReadOnlyList<ChunkPlan>>(plans);
    }
}

/// <summary>INTERIM: shifts and renumbers segments; no overlap handling.</summary>
public static class TranscriptStitcher
{
    public static TranscriptionResult Stitch(IReadOnlyList<ChunkTranscript> chunks)
    {
        var segments = new List<TranscriptSegment>();
        foreach (var c in chunks.OrderBy(c => c.Chunk.Index))
        {
            foreach (var s in c.Result.Segments)
            {
                segments.Add(s with
                {
                    Id = segments.Count, Start = s.Start + c.Chunk.Start, End = s.End + c.Chunk.Start,
                    Words = [.. s.Words.Select(w => w with { Start = w.Start + c.Chunk.Start, End = w.End + c.Chunk.Start })],
                });
            }
        }
        return new TranscriptionResult
        {
            Text = string.Join(" ", segments.Select(s => s.Text.Trim()).Where(t => t.Length > 0)),
            Language = chunks.Select(c => c.Result.Language).FirstOrDefault(l => l is not null),
            Duration = chunks.Count == 0 ? 0 : chunks.Max(c => c.Chunk.End),
            Segments = segments,
            Usage = new DurationUsage(chunks.Sum(c => c.Chunk.Duration)),
        };
    }

    public static string? PromptFrom(TranscriptionResult previous) =>
        previous.Text.Trim() is { Length: > 0 } t ? t[Math.Max(0, t.Length - 200)..] : null;
}

/// <summary>INTERIM: renders one output extension with the HTTP writers.</summary>
public static class TranscriptFiles
{
    public static byte[] Render(TranscriptionResult result, string extension) => TranscriptionWriter.Render(result, extension switch
    {
        "json" => ResponseFormat.Json,
        "verbose.json" => ResponseFormat.VerboseJson,
        "srt" => ResponseFormat.Srt,
        "vtt" => ResponseFormat.Vtt,
        _ => ResponseFormat.Text,
    });
}
