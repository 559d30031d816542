using System.Security.Cryptography;
using System.Text;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// What the header of a ggml whisper model file says, read without loading the weights: the
/// hyper-parameters and whether the file is a generated test model (tools/SpeechToText.ModelTools writes those).
/// </summary>
public sealed record ModelFileInfo(string Path, long FileSize, GgmlHyperParameters HyperParameters, string FirstToken)
{
    public const uint GgmlMagic = 0x67676d6c;

    /// <summary>Token 0 of every generated model; real whisper vocabularies start with "!".</summary>
    public const string SyntheticMarker = "SYNTHETIC-TEST-MODEL";

    /// <summary>SHA-1 of the official ggml files published at huggingface.co/ggerganov/whisper.cpp, by file name.</summary>
    public static IReadOnlyDictionary<string, string> OfficialSha1 { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ggml-tiny.en.bin"] = "c78c86eb1a8faa21b369bcd33207cc90d64ae9df",
        ["ggml-tiny.bin"] = "bd577a113a864445d4c299885e0cb97d4ba92b5f",
        ["ggml-base.en.bin"] = "137c40403d78fd54d454da0f9bd998f78703390c",
        ["ggml-base.bin"] = "465707469ff3a37a2b9b8d8f89f2f99de7299dac",
    };

    /// <summary>True when token 0 is the synthetic marker: the model's text output is meaningless.</summary>
    public bool IsSynthetic => FirstToken == SyntheticMarker;

    /// <summary>Reads the header; throws <see cref="InvalidDataException"/> when the file is not a ggml whisper model.</summary>
    public static ModelFileInfo Inspect(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = reader.ReadUInt32();
            if (magic != GgmlMagic)
            {
                throw new InvalidDataException($"'{path}' is not a ggml whisper model (magic 0x{magic:x8}, expected 0x{GgmlMagic:x8}).");
            }
            var h = new int[11];
            for (var i = 0; i < h.Length; i++)
            {
                h[i] = reader.ReadInt32();
            }
            var hparams = new GgmlHyperParameters(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10]);

            var filterMels = reader.ReadInt32();
            var filterFft = reader.ReadInt32();
            var filterBytes = (long)filterMels * filterFft * sizeof(float);
            if (filterMels <= 0 || filterFft <= 0 || stream.Position + filterBytes > stream.Length)
            {
                throw new InvalidDataException($"'{path}' has an invalid mel filter bank header ({filterMels} x {filterFft}).");
            }
            stream.Seek(filterBytes, SeekOrigin.Current);

            var vocabCount = reader.ReadInt32();
            var firstToken = "";
            if (vocabCount > 0)
            {
                var length = reader.ReadUInt32();
                if (length > 1024)
                {
                    throw new InvalidDataException($"'{path}' has an implausible first token length {length}.");
                }
                firstToken = Encoding.UTF8.GetString(reader.ReadBytes((int)length));
            }
            return new ModelFileInfo(System.IO.Path.GetFullPath(path), stream.Length, hparams, firstToken);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' ends inside the ggml header.", e);
        }
    }

    /// <summary>
    /// Walks the whole file (seeking past the weights) and checks that every tensor whisper expects is
    /// there and complete. whisper.cpp itself accepts a file cut off before its first tensor as an
    /// "empty model for testing", which would then transcribe garbage; this catches that. Returns the
    /// number of tensors (or those before the first of a type it does not know).
    /// </summary>
    public static int ValidateLayout(string path)
    {
        var info = Inspect(path);
        var h = info.HyperParameters;
        var expected = 11 + 15 * h.NAudioLayer + 24 * h.NTextLayer;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            stream.Seek(4 + 11 * 4, SeekOrigin.Begin);
            var mels = reader.ReadInt32();
            var fft = reader.ReadInt32();
            stream.Seek((long)mels * fft * sizeof(float), SeekOrigin.Current);
            var vocab = reader.ReadInt32();
            for (var i = 0; i < vocab; i++)
            {
                stream.Seek(reader.ReadUInt32(), SeekOrigin.Current);
            }
            var tensors = 0;
            while (stream.Position < stream.Length)
            {
                var dims = reader.ReadInt32();
                var nameLength = reader.ReadInt32();
                var type = reader.ReadInt32();
                if (dims is < 1 or > 4 || nameLength is < 1 or > 256)
                {
                    throw new InvalidDataException($"'{path}' has a corrupt tensor header after {tensors} tensors.");
                }
                long elements = 1;
                for (var d = 0; d < dims; d++)
                {
                    elements *= reader.ReadInt32();
                }
                stream.Seek(nameLength, SeekOrigin.Current);
                var dataBytes = TensorBytes(type, elements);
                if (dataBytes < 0)
                {
                    // A type this check does not know: leave the rest to whisper.cpp rather than refuse the file.
                    return tensors + 1;
                }
                stream.Seek(dataBytes, SeekOrigin.Current);
                if (stream.Position > stream.Length)
                {
                    throw new InvalidDataException($"'{path}' is truncated inside tensor {tensors + 1}.");
                }
                tensors++;
            }
            if (tensors != expected)
            {
                throw new InvalidDataException($"'{path}' holds {tensors} tensors; a model of these dimensions has {expected}. The file is incomplete.");
            }
            return tensors;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' is truncated.", e);
        }
    }

    // Bytes of ggml's plain and quantized types (block size, bytes per block) for the types whisper models use.
    private static long TensorBytes(int type, long elements) => type switch
    {
        0 => elements * 4,              // F32
        1 => elements * 2,              // F16
        2 => elements / 32 * 18,        // Q4_0
        3 => elements / 32 * 20,        // Q4_1
        6 => elements / 32 * 22,        // Q5_0
        7 => elements / 32 * 24,        // Q5_1
        8 => elements / 32 * 34,        // Q8_0
        10 => elements / 256 * 84,      // Q2_K
        11 => elements / 256 * 110,     // Q3_K
        12 => elements / 256 * 144,     // Q4_K
        13 => elements / 256 * 176,     // Q5_K
        14 => elements / 256 * 210,     // Q6_K
        30 => elements * 2,             // BF16
        _ => -1,
    };

    /// <summary>Lower-case hex SHA-1 of a file.</summary>
    public static string ComputeSha1(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA1.HashData(stream));
    }

    /// <summary>
    /// The official file name whose SHA-1 the file has, or null. Official models are identified by
    /// content, so a renamed file still counts and a corrupted one does not.
    /// </summary>
    public static string? IdentifyOfficial(string path)
    {
        var sha1 = ComputeSha1(path);
        return OfficialSha1.FirstOrDefault(kv => kv.Value == sha1).Key;
    }

    /// <summary>True when the file's SHA-1 is the published one for <paramref name="officialName"/> (e.g. "ggml-tiny.en.bin").</summary>
    public static bool VerifyOfficial(string path, string officialName) =>
        OfficialSha1.TryGetValue(officialName, out var expected) && ComputeSha1(path) == expected;
}
