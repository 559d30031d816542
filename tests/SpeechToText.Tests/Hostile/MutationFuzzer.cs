using System.Buffers.Binary;
using SpeechToText.Core.Audio;

namespace SpeechToText.Tests.Hostile;

/// <summary>A valid file the fuzzer starts from.</summary>
public sealed record FuzzSeed(string Name, byte[] Bytes, AudioContainer Container);

/// <summary>One mutated input: which seed, what was done to it (readable, for minimising), the bytes.</summary>
public sealed record FuzzInput(int Index, string Seed, string Mutations, byte[] Bytes);

/// <summary>
/// Deterministic mutation fuzzing over valid files: input <c>i</c> depends only on the run's seed and
/// <c>i</c>, so any failing input is reproduced by its index alone, whatever ran in parallel. Generic
/// mutations (bit flips, byte runs, insertions, deletions, truncation, splices, duplicated ranges) mix
/// with ones aimed at each container's header fields, where parsers make their decisions.
/// </summary>
public sealed class MutationFuzzer(IReadOnlyList<FuzzSeed> seeds, int runSeed)
{
    /// <summary>Values that sit on the edges parsers get wrong.</summary>
    private static readonly uint[] Interesting = [0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    private static readonly long[] Interesting64 = [0, 8, 16, 1L << 32, 1L << 62, long.MaxValue, long.MinValue, -1];

    /// <summary>The width of an MP4 box header rewritten to a 64-bit size: size = 1, the type, then the 64-bit size.</summary>
    private const int LargeSizeHeader = 16;

    public FuzzInput Create(int index)
    {
        var random = new Random(HashCode.Combine(runSeed, index));
        var seed = seeds[random.Next(seeds.Count)];
        var bytes = seed.Bytes;
        var applied = new List<string>();
        int rounds = 1 + random.Next(3);
        for (int i = 0; i < rounds && bytes.Length > 0; i++)
        {
            (bytes, string what) = Mutate(bytes, seed.Container, random);
            applied.Add(what);
        }
        return new FuzzInput(index, seed.Name, string.Join(" + ", applied), bytes);
    }

    private (byte[] Bytes, string What) Mutate(byte[] bytes, AudioContainer container, Random random)
    {
        int at = random.Next(bytes.Length);
        int length = 1 + random.Next(Math.Min(512, bytes.Length - at));
        switch (random.Next(9))
        {
            case 0:
                return FlipBits(bytes, random);
            case 1:
            {
                byte? fill = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => null };
                var copy = (byte[])bytes.Clone();
                var run = copy.AsSpan(at, length);
                if (fill is { } value)
                {
                    run.Fill(value);
                }
                else
                {
                    random.NextBytes(run);
                }
                return (copy, $"set {length} bytes at {at} to {(fill is null ? "random" : $"0x{fill:X2}")}");
            }
            case 2:
            {
                var inserted = new byte[length];
                random.NextBytes(inserted);
                return ([.. bytes.AsSpan(0, at), .. inserted, .. bytes.AsSpan(at)], $"insert {length} random bytes at {at}");
            }
            case 3:
            {
                int cut = Math.Min(bytes.Length - at, 1 + random.Next(Math.Max(1, bytes.Length / 4)));
                return ([.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + cut)], $"delete {cut} bytes at {at}");
            }
            case 4:
                return (bytes[..at], $"truncate to {at} bytes");
            case 5:
            {
                var other = seeds[random.Next(seeds.Count)];
                int from = random.Next(other.Bytes.Length);
                return ([.. bytes.AsSpan(0, at), .. other.Bytes.AsSpan(from)], $"splice {other.Name} from {from} at {at}");
            }
            case 6:
            {
                int target = random.Next(bytes.Length + 1);
                return ([.. bytes.AsSpan(0, target), .. bytes.AsSpan(at, length), .. bytes.AsSpan(target)],
                    $"duplicate {length} bytes from {at} at {target}");
            }
            default:
                return MutateHeaderField(bytes, container, random);
        }
    }

    private static (byte[], string) FlipBits(byte[] bytes, Random random)
    {
        var copy = (byte[])bytes.Clone();
        int flips = 1 + random.Next(16);
        for (int i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }
        return (copy, $"flip {flips} bits");
    }

    /// <summary>Rewrites one header field of the container with an edge value, or falls back to bit flips when none is found.</summary>
    private static (byte[], string) MutateHeaderField(byte[] bytes, AudioContainer container, Random random)
    {
        var fields = container switch
        {
            AudioContainer.Wav => WavFields(bytes),
            AudioContainer.Mp3 => Mp3FrameHeaders(bytes),
            AudioContainer.Flac => FlacStreamInfo(bytes),
            AudioContainer.Ogg => OggPageHeaders(bytes),
            AudioContainer.Mp4 => Mp4BoxSizes(bytes, 0, bytes.Length, 0),
            _ => [],
        };
        if (fields.Count == 0)
        {
            return FlipBits(bytes, random);
        }
        var (name, offset, width) = fields[random.Next(fields.Count)];
        if (offset + width > bytes.Length)
        {
            return FlipBits(bytes, random);
        }
        var copy = (byte[])bytes.Clone();
        uint value = random.Next(3) == 0 ? (uint)random.NextInt64(0, 1L << 32) : Interesting[random.Next(Interesting.Length)];
        var field = copy.AsSpan(offset, width);
        if (width == LargeSizeHeader)
        {
            long largeSize = random.Next(3) == 0 ? random.NextInt64() : Interesting64[random.Next(Interesting64.Length)];
            BinaryPrimitives.WriteUInt32BigEndian(field, 1);
            BinaryPrimitives.WriteInt64BigEndian(field[8..], largeSize);
            return (copy, $"set {container} {name} at {offset} to 0x{largeSize:X}");
        }
        bool bigEndian = container is AudioContainer.Mp4 or AudioContainer.Mp3 or AudioContainer.Flac;
        switch (width)
        {
            case 1:
                field[0] = (byte)value;
                break;
            case 2 when bigEndian:
                BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value);
                break;
            default:
                if (bigEndian)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(field, value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(field, value);
                }
                break;
        }
        return (copy, $"set {container} {name} at {offset} to 0x{value:X}");
    }

    private static List<(string, int, int)> WavFields(byte[] wav)
    {
        var fields = new List<(string, int, int)> { ("RIFF size", 4, 4) };
        for (int position = 12; position + 8 <= wav.Length;)
        {
            var id = System.Text.Encoding.ASCII.GetString(wav, position, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(position + 4));
            fields.Add(($"'{id}' size", position + 4, 4));
            if (id == "fmt ")
            {
                fields.AddRange([("format tag", position + 8, 2), ("channels", position + 10, 2), ("sample rate", position + 12, 4),
                    ("byte rate", position + 16, 4), ("block align", position + 20, 2), ("bits per sample", position + 22, 2)]);
            }
            long next = position + 8L + size + (size & 1);
            if (next > wav.Length)
            {
                break;
            }
            position = (int)next;
        }
        return fields;
    }

    /// <summary>The bytes after the sync of the first few MPEG frame headers: version, layer, bitrate, rate, mode.</summary>
    private static List<(string, int, int)> Mp3FrameHeaders(byte[] mp3)
    {
        var fields = new List<(string, int, int)>();
        for (int i = AudioSniffer.Id3TagLength(mp3) ?? 0; i + 4 <= mp3.Length && fields.Count < 12; i++)
        {
            if (AudioSniffer.IsMpegAudioLayer3Frame(mp3.AsSpan(i)))
            {
                fields.AddRange([("frame header byte 1", i + 1, 1), ("frame header byte 2", i + 2, 1), ("frame header byte 3", i + 3, 1)]);
                i += 3;
            }
        }
        return fields;
    }

    /// <summary>STREAMINFO (right after "fLaC" and its 4-byte block header): block and frame sizes, rate/channels/bits, total samples.</summary>
    private static List<(string, int, int)> FlacStreamInfo(byte[] flac) => flac.Length < 42 ? [] :
    [
        ("metadata block header", 4, 4), ("min block size", 8, 2), ("max block size", 10, 2), ("min frame size", 12, 4),
        ("sample rate/channels/bits", 18, 4), ("bits/total samples", 21, 1), ("total samples", 22, 4),
    ];

    private static List<(string, int, int)> OggPageHeaders(byte[] ogg)
    {
        var fields = new List<(string, int, int)>();
        for (int i = 0; i + 27 <= ogg.Length && fields.Count < 60; i++)
        {
            if (ogg.AsSpan(i).StartsWith("OggS"u8))
            {
                fields.AddRange([("page version", i + 4, 1), ("page type", i + 5, 1), ("granule position", i + 6, 4),
                    ("serial number", i + 14, 4), ("page sequence", i + 18, 4), ("segment count", i + 26, 1), ("first lacing value", i + 27, 1)]);
                i += 26;
            }
        }
        return fields;
    }

    /// <summary>Every box's 32-bit size, descending into the containers that hold the audio track's index.</summary>
    private static List<(string, int, int)> Mp4BoxSizes(byte[] mp4, int start, int end, int depth)
    {
        var fields = new List<(string, int, int)>();
        for (int position = start; position + 8 <= end;)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(mp4.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(mp4, position + 4, 4);
            fields.Add(($"'{type}' box size", position, 4));
            fields.Add(($"'{type}' box 64-bit size", position, LargeSizeHeader));
            if (size < 8 || position + size > end)
            {
                break;
            }
            if (depth < 6 && type is "moov" or "trak" or "mdia" or "minf" or "stbl" or "edts")
            {
                fields.AddRange(Mp4BoxSizes(mp4, position + 8, position + (int)size, depth + 1));
            }
            position += (int)size;
        }
        return fields;
    }
}
