using System.Buffers.Binary;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>
/// The parsed header of a RIFF/RF64 WAVE file: the format chunk and where the samples are.
/// <see cref="Read"/> walks the chunks robustly (unknown chunks, odd-size padding, LIST, JUNK, data
/// before fmt) and rejects declarations no real file makes.
/// </summary>
public sealed record WavHeader(
    WavEncoding Encoding,
    int FormatTag,
    int Channels,
    int SampleRate,
    int BitsPerSample,
    int BlockAlign,
    long DataOffset,
    long DataLength)
{
    public const int MaxChannels = 64;
    public const int MaxSampleRate = 768_000;

    private const ushort TagPcm = 0x0001;
    private const ushort TagFloat = 0x0003;
    private const ushort TagExtensible = 0xFFFE;
    private const uint UnknownSize = 0xFFFFFFFF;

    // KSDATAFORMAT_SUBTYPE_* GUIDs are {tag}-0000-0010-8000-00AA00389B71; bytes 2..15 in file order.
    private static ReadOnlySpan<byte> SubFormatSuffix => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Whole sample frames present in the data chunk.</summary>
    public long FrameCount => DataLength / BlockAlign;

    public TimeSpan Duration => TimeSpan.FromSeconds(FrameCount / (double)SampleRate);

    /// <summary>
    /// Reads the header from the start of <paramref name="stream"/> (which must be seekable) and leaves
    /// the stream positioned at the first sample. Throws <see cref="ApiException"/> invalid_file_format.
    /// </summary>
    public static WavHeader Read(Stream stream)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The WAV reader needs a seekable stream.", nameof(stream));
        }
        long streamLength = stream.Length;
        Span<byte> buffer = stackalloc byte[64];
        if (!TryReadExactly(stream, buffer[..12]))
        {
            throw Invalid("the RIFF header is truncated");
        }
        bool isRf64 = buffer.StartsWith("RF64"u8) || buffer.StartsWith("BW64"u8);
        if (!(isRf64 || buffer.StartsWith("RIFF"u8)) || !buffer.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw Invalid("not a RIFF WAVE file");
        }

        FormatChunk? format = null;
        long? dataOffset = null;
        long dataLength = -1;
        long ds64DataSize = -1;
        while (format is null || dataOffset is null)
        {
            if (!TryReadExactly(stream, buffer[..8]))
            {
                break;
            }
            var id = buffer[..4];
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..8]);
            long bodyStart = stream.Position;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16)
                {
                    throw Invalid($"the fmt chunk is {size} bytes, shorter than the 16 a format needs");
                }
                int toRead = (int)Math.Min(size, 40);
                if (!TryReadExactly(stream, buffer[..toRead]))
                {
                    throw Invalid("the fmt chunk is truncated");
                }
                format = FormatChunk.Parse(buffer[..toRead]);
            }
            else if (id.SequenceEqual("ds64"u8) && isRf64 && size >= 16)
            {
                if (!TryReadExactly(stream, buffer[..16]))
                {
                    throw Invalid("the ds64 chunk is truncated");
                }
                ds64DataSize = BinaryPrimitives.ReadInt64LittleEndian(buffer[8..16]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                dataOffset = bodyStart;
                long available = streamLength - bodyStart;
                long declared = size == UnknownSize && isRf64 && ds64DataSize >= 0 ? ds64DataSize : size;
                // 0xFFFFFFFF (streamed or RF64 without ds64), 0 (written before the length was known)
                // and sizes past the end of a truncated file all mean "what is there".
                bool declaredIsUsable = size != UnknownSize || (isRf64 && ds64DataSize >= 0);
                dataLength = !declaredIsUsable || declared == 0 || declared > available ? available : declared;
                if (format is null && (!declaredIsUsable || declared == 0))
                {
                    throw Invalid("the data chunk comes before the fmt chunk and has no length");
                }
                if (format is not null)
                {
                    break;
                }
                size = (uint)Math.Min(dataLength, uint.MaxValue - 1);
            }
            // Chunks are word aligned: an odd-sized body is followed by one pad byte.
            long next = bodyStart + size + (size & 1);
            if (next > streamLength)
            {
                break;
            }
            stream.Position = next;
        }

        if (format is null)
        {
            throw Invalid("no fmt chunk was found");
        }
        if (dataOffset is null)
        {
            throw Invalid("no data chunk was found");
        }
        var f = format.Value;
        stream.Position = dataOffset.Value;
        return new WavHeader(f.Encoding, f.Tag, f.Channels, f.SampleRate, f.BitsPerSample, f.BlockAlign, dataOffset.Value, dataLength);
    }

    private static bool TryReadExactly(Stream stream, Span<byte> destination) =>
        stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) == destination.Length;

    internal static ApiException Invalid(string detail) => ApiException.InvalidFileFormat($"WAV: {detail}");

    private readonly record struct FormatChunk(WavEncoding Encoding, int Tag, int Channels, int SampleRate, int BitsPerSample, int BlockAlign)
    {
        public static FormatChunk Parse(ReadOnlySpan<byte> b)
        {
            int tag = BinaryPrimitives.ReadUInt16LittleEndian(b);
            int channels = BinaryPrimitives.ReadUInt16LittleEndian(b[2..]);
            uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
            int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(b[12..]);
            int bits = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]);

            if (channels is 0 or > MaxChannels)
            {
                throw Invalid($"the header declares {channels} channels (1 to {MaxChannels} are accepted)");
            }
            if (sampleRate is 0 or > MaxSampleRate)
            {
                throw Invalid($"the header declares a sample rate of {sampleRate} Hz (1 to {MaxSampleRate} are accepted)");
            }
            if (blockAlign == 0)
            {
                throw Invalid("the header declares a block align of 0");
            }

            int effectiveTag = tag;
            if (tag == TagExtensible)
            {
                // WAVEFORMATEXTENSIBLE: cbSize (>= 22), valid bits, channel mask, sub-format GUID.
                if (b.Length < 40 || BinaryPrimitives.ReadUInt16LittleEndian(b[16..]) < 22)
                {
                    throw Invalid("WAVE_FORMAT_EXTENSIBLE without its 22-byte extension");
                }
                int validBits = BinaryPrimitives.ReadUInt16LittleEndian(b[18..]);
                if (validBits > bits)
                {
                    throw Invalid($"{validBits} valid bits in a {bits}-bit container");
                }
                if (!b.Slice(26, 14).SequenceEqual(SubFormatSuffix))
                {
                    // Not a WAVE_FORMAT_* based sub-format (e.g. Ambisonic); let ffmpeg decide.
                    return new FormatChunk(WavEncoding.Compressed, tag, channels, (int)sampleRate, bits, blockAlign);
                }
                effectiveTag = BinaryPrimitives.ReadUInt16LittleEndian(b[24..]);
            }

            var encoding = effectiveTag switch
            {
                TagPcm => WavEncoding.PcmInteger,
                TagFloat => WavEncoding.IeeeFloat,
                _ => WavEncoding.Compressed,
            };
            if (encoding == WavEncoding.PcmInteger && bits is not (8 or 16 or 24 or 32))
            {
                throw Invalid($"{bits}-bit PCM is not supported (8, 16, 24 or 32)");
            }
            if (encoding == WavEncoding.IeeeFloat && bits is not (32 or 64))
            {
                throw Invalid($"{bits}-bit float is not supported (32 or 64)");
            }
            if (encoding != WavEncoding.Compressed && blockAlign != channels * bits / 8)
            {
                throw Invalid($"block align {blockAlign} does not match {channels} channels of {bits} bits");
            }
            return new FormatChunk(encoding, effectiveTag, channels, (int)sampleRate, bits, blockAlign);
        }
    }
}
