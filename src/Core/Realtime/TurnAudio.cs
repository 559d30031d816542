using SpeechToText.Core.Audio;

namespace SpeechToText.Core.Realtime;

/// <summary>One committed turn: its item ids, its audio (16-bit mono at <paramref name="SampleRate"/>) and where it sat in the session's timeline.</summary>
public sealed record TurnAudio(string ItemId, string? PreviousItemId, short[] Samples, int SampleRate, long TimelineStart)
{
    public double Seconds => Samples.Length / (double)SampleRate;

    /// <summary>The turn as a WAV file, as the file endpoint would be posted it, so both paths decode it alike.</summary>
    public byte[] ToWav() => WavWriter.FromPcm16(Samples, SampleRate);
}
