using System.Text;

namespace SpeechToText.Bench;

/// <summary>
/// What a report says about its model, read from the ggml header rather than trusted from the file name: the size
/// whisper.cpp derives from the encoder depth (its own rule: 4 layers tiny, 6 base, 12 small, 24 medium, 32 large),
/// the state width, and whether token 0 is the synthetic-model marker that tools/SpeechToText.ModelTools writes.
/// </summary>
internal sealed record ModelHeader(string Type, int AudioState, int AudioLayers, int TextLayers, bool Synthetic, long Bytes)
{
    private const uint GgmlMagic = 0x67676d6c;
    private const string SyntheticMarker = "SYNTHETIC-TEST-MODEL";

    /// <summary>"base (512 state, 6+6 layers; synthetic: random weights), 147,959,172 bytes".</summary>
    public string Describe() =>
        $"{Type} ({AudioState} state, {AudioLayers}+{TextLayers} layers; {(Synthetic ? "synthetic: random weights, realistic compute, meaningless text" : "real weights")}), {Bytes:N0} bytes";

    /// <summary>The header of <paramref name="path"/>, or an "unknown" one when it cannot be read (the benchmark reports it, it does not fail on it).</summary>
    public static ModelHeader Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadUInt32() != GgmlMagic)
            {
                return Unknown(path);
            }
            // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
            var h = Enumerable.Range(0, 11).Select(_ => reader.ReadInt32()).ToArray();
            var (state, audioLayers, textLayers) = (h[2], h[4], h[8]);
            // Mel filters (n_mel, n_fft, floats), then the vocabulary: count, then length-prefixed tokens.
            var nMel = reader.ReadInt32();
            var nFft = reader.ReadInt32();
            stream.Seek(4L * nMel * nFft, SeekOrigin.Current);
            reader.ReadInt32();
            var length = reader.ReadInt32();
            var first = length is > 0 and < 256 ? Encoding.UTF8.GetString(reader.ReadBytes(length)) : "";
            var type = audioLayers switch
            {
                4 => "tiny",
                6 => "base",
                12 => "small",
                24 => "medium",
                32 => "large",
                _ => "unknown",
            };
            return new ModelHeader(type, state, audioLayers, textLayers, first == SyntheticMarker, stream.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unknown(path);
        }
    }

    private static ModelHeader Unknown(string path) =>
        new("unknown", 0, 0, 0, false, File.Exists(path) ? new FileInfo(path).Length : 0);
}
