using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>Writes a span of 16 kHz mono float samples as a 16-bit PCM WAV file (the chunk blobs).</summary>
public static class ChunkWav
{
    public static byte[] Encode(ReadOnlySpan<float> samples) => WavWriter.FromFloats(samples, DecodedAudio.SampleRate);
}
