using System.Buffers.Binary;
using System.Text;
using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.ModelTools;

/// <summary>
/// Writes a whisper model in the legacy ggml layout that whisper.cpp loads and runs end to end, with
/// random weights: its text is meaningless, its timing and memory behaviour are real. No real weights
/// are reachable from this project's machines, so tests and benchmarks run on these. Token 0 of the
/// vocabulary is <see cref="ModelFileInfo.SyntheticMarker"/> so the file identifies itself.
/// </summary>
public static class SyntheticGgmlModel
{
    private const int FTypeF16 = 1;
    private const int TypeF32 = 0;
    private const int TypeF16 = 1;
    private const int NFft = 201; // WHISPER_N_FFT / 2 + 1

    /// <summary>The hyper-parameters a generated model of this size gets.</summary>
    public static GgmlHyperParameters HyperParameters(SyntheticModelSize size, bool multilingual)
    {
        // The vocabulary size is not free: whisper.cpp places its special tokens at fixed ids
        // (eot 50256/50257, ...) and decides "multilingual" from n_vocab >= 51865.
        var nVocab = multilingual ? 51865 : 51864;
        return size switch
        {
            SyntheticModelSize.Test => new GgmlHyperParameters(nVocab, 1500, 32, 2, 1, 448, 32, 2, 1, 80, FTypeF16),
            SyntheticModelSize.Tiny => new GgmlHyperParameters(nVocab, 1500, 384, 6, 4, 448, 384, 6, 4, 80, FTypeF16),
            SyntheticModelSize.Base => new GgmlHyperParameters(nVocab, 1500, 512, 8, 6, 448, 512, 8, 6, 80, FTypeF16),
            SyntheticModelSize.Small => new GgmlHyperParameters(nVocab, 1500, 768, 12, 12, 448, 768, 12, 12, 80, FTypeF16),
            _ => throw new ArgumentOutOfRangeException(nameof(size)),
        };
    }

    /// <summary>Writes the model to <paramref name="path"/> (replacing it). The same arguments give the same bytes.</summary>
    public static void Write(string path, SyntheticModelSize size, bool multilingual, int seed)
    {
        var h = HyperParameters(size, multilingual);
        var random = new SplitMix64((ulong)(uint)seed);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(ModelFileInfo.GgmlMagic);
                foreach (var value in new[] { h.NVocab, h.NAudioCtx, h.NAudioState, h.NAudioHead, h.NAudioLayer, h.NTextCtx,
                             h.NTextState, h.NTextHead, h.NTextLayer, h.NMels, h.FType })
                {
                    writer.Write(value);
                }
                WriteMelFilters(writer, h.NMels);
                WriteVocabulary(writer, multilingual ? 50257 : 50256);
                WriteTensors(writer, h, random);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Triangular filters evenly spaced on the mel scale over 0..8 kHz (the shape of the real bank).</summary>
    private static void WriteMelFilters(BinaryWriter writer, int nMels)
    {
        writer.Write(nMels);
        writer.Write(NFft);
        static double Mel(double hz) => 2595 * Math.Log10(1 + hz / 700);
        static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);
        var edges = Enumerable.Range(0, nMels + 2).Select(i => Hz(Mel(8000) * i / (nMels + 1))).ToArray();
        for (var m = 0; m < nMels; m++)
        {
            for (var k = 0; k < NFft; k++)
            {
                var hz = k * 8000.0 / (NFft - 1);
                var rise = (hz - edges[m]) / (edges[m + 1] - edges[m]);
                var fall = (edges[m + 2] - hz) / (edges[m + 2] - edges[m + 1]);
                writer.Write((float)Math.Max(0, Math.Min(rise, fall)) * 0.01f);
            }
        }
    }

    /// <summary>
    /// Token 0 is the marker, token 1 is " " (whisper.cpp needs a space token), then the printable
    /// ASCII characters with and without a leading space (so any ASCII prompt tokenizes), then
    /// made-up syllables: even ids start a word (" ka"), odd ids continue one ("ka").
    /// </summary>
    private static void WriteVocabulary(BinaryWriter writer, int count)
    {
        writer.Write(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new List<string> { ModelFileInfo.SyntheticMarker, " " };
        for (var c = 33; c < 127; c++)
        {
            tokens.Add(((char)c).ToString());
            tokens.Add(" " + (char)c);
        }
        const string consonants = "bdfgklmnprstvz";
        const string vowels = "aeiou";
        for (var n = 0; tokens.Count < count; n++)
        {
            var builder = new StringBuilder();
            for (var rest = n; ; rest /= consonants.Length * vowels.Length)
            {
                var syllable = rest % (consonants.Length * vowels.Length);
                builder.Append(consonants[syllable / vowels.Length]).Append(vowels[syllable % vowels.Length]);
                if (rest < consonants.Length * vowels.Length)
                {
                    break;
                }
            }
            var piece = builder.ToString();
            var token = tokens.Count % 2 == 0 ? " " + piece : piece;
            if (seen.Add(token))
            {
                tokens.Add(token);
            }
        }
        foreach (var token in tokens.Take(count))
        {
            var bytes = Encoding.UTF8.GetBytes(token);
            writer.Write((uint)bytes.Length);
            writer.Write(bytes);
        }
    }

    private static void WriteTensors(BinaryWriter writer, GgmlHyperParameters h, SplitMix64 random)
    {
        int s = h.NAudioState;
        // Unit-variance-preserving scale for a weight whose input width is fanIn (uniform in +-sqrt(3/fanIn)).
        float Fan(int fanIn) => MathF.Sqrt(3f / fanIn);

        void Linear(string prefix, int inputs, int outputs, bool bias)
        {
            Tensor(writer, random, prefix + ".weight", TypeF16, [inputs, outputs], Fan(inputs), 0);
            if (bias)
            {
                Tensor(writer, random, prefix + ".bias", TypeF32, [outputs], 0.02f, 0);
            }
        }
        void Norm(string prefix, int width)
        {
            Tensor(writer, random, prefix + ".weight", TypeF32, [width], 0.05f, 1);
            Tensor(writer, random, prefix + ".bias", TypeF32, [width], 0.05f, 0);
        }
        void Block(string prefix, bool cross)
        {
            Norm(prefix + ".mlp_ln", s);
            Linear(prefix + ".mlp.0", s, 4 * s, bias: true);
            Linear(prefix + ".mlp.2", 4 * s, s, bias: true);
            Norm(prefix + ".attn_ln", s);
            Linear(prefix + ".attn.query", s, s, bias: true);
            Linear(prefix + ".attn.key", s, s, bias: false);
            Linear(prefix + ".attn.value", s, s, bias: true);
            Linear(prefix + ".attn.out", s, s, bias: true);
            if (cross)
            {
                Norm(prefix + ".cross_attn_ln", s);
                Linear(prefix + ".cross_attn.query", s, s, bias: true);
                Linear(prefix + ".cross_attn.key", s, s, bias: false);
                Linear(prefix + ".cross_attn.value", s, s, bias: true);
                Linear(prefix + ".cross_attn.out", s, s, bias: true);
            }
        }

        Tensor(writer, random, "encoder.positional_embedding", TypeF32, [s, h.NAudioCtx], 0.5f, 0);
        // Convolution kernels must be F16 for an F16 model: whisper.cpp's im2col path expects it.
        Tensor(writer, random, "encoder.conv1.weight", TypeF16, [3, h.NMels, s], Fan(3 * h.NMels), 0);
        Tensor(writer, random, "encoder.conv1.bias", TypeF32, [1, s], 0.02f, 0);
        Tensor(writer, random, "encoder.conv2.weight", TypeF16, [3, s, s], Fan(3 * s), 0);
        Tensor(writer, random, "encoder.conv2.bias", TypeF32, [1, s], 0.02f, 0);
        Norm("encoder.ln_post", s);
        for (var i = 0; i < h.NAudioLayer; i++)
        {
            Block($"encoder.blocks.{i}", cross: false);
        }

        Tensor(writer, random, "decoder.positional_embedding", TypeF32, [s, h.NTextCtx], 0.5f, 0);
        // Logits are ln(x) . embedding; this scale gives them a spread of a few units, enough for
        // the decoder to mix text and timestamp tokens instead of locking onto one of them.
        Tensor(writer, random, "decoder.token_embedding.weight", TypeF16, [s, h.NVocab], MathF.Sqrt(3f * 6f / s), 0);
        Norm("decoder.ln", s);
        for (var i = 0; i < h.NTextLayer; i++)
        {
            Block($"decoder.blocks.{i}", cross: true);
        }
    }

    /// <summary>One tensor record: n_dims, name length, type, ne[], name, data (uniform in center +- scale).</summary>
    private static void Tensor(BinaryWriter writer, SplitMix64 random, string name, int type, int[] shape, float scale, float center)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        writer.Write(shape.Length);
        writer.Write(nameBytes.Length);
        writer.Write(type);
        foreach (var dimension in shape)
        {
            writer.Write(dimension);
        }
        writer.Write(nameBytes);

        long count = shape.Aggregate(1L, (a, b) => a * b);
        var elementSize = type == TypeF16 ? 2 : 4;
        var buffer = new byte[64 * 1024];
        var perBuffer = buffer.Length / elementSize;
        for (long done = 0; done < count;)
        {
            var n = (int)Math.Min(perBuffer, count - done);
            for (var i = 0; i < n; i++)
            {
                var value = center + scale * random.NextSigned();
                if (type == TypeF16)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(i * 2), (Half)value);
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), value);
                }
            }
            writer.Write(buffer, 0, n * elementSize);
            done += n;
        }
    }

    /// <summary>SplitMix64: tiny, fast, and stable across runtimes (System.Random's seeded sequence is not promised to be).</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        /// <summary>Uniform in [-1, 1).</summary>
        public float NextSigned()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 40) * (2f / (1 << 24)) - 1f;
        }
    }
}
