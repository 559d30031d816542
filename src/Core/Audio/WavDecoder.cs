using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>
/// The managed fast path for WAV with linear PCM (8/16/24/32-bit) or IEEE float (32/64-bit) samples,
/// plain or WAVE_FORMAT_EXTENSIBLE: downmixes by averaging the channels and resamples to 16 kHz with
/// <see cref="PolyphaseResampler"/>. 16 kHz input skips resampling entirely. Compressed WAV (mu-law,
/// a-law, ADPCM) is not handled here; <see cref="AudioDecoder"/> sends it to ffmpeg.
/// </summary>
public sealed class WavDecoder(IOptions<AudioOptions> options)
{
    private const int BlockBytes = 1 << 16;

    private readonly AudioOptions _options = options.Value;

    public static bool CanDecode(WavHeader header) => header.Encoding != WavEncoding.Compressed;

    /// <summary>Decodes the samples of <paramref name="header"/>; <paramref name="stream"/> must be positioned at the data.</summary>
    public DecodedAudio Decode(Stream stream, WavHeader header)
    {
        if (!CanDecode(header))
        {
            throw new ArgumentException($"WAV format tag 0x{header.FormatTag:X4} is compressed; decode it with ffmpeg.", nameof(header));
        }
        if (header.Duration > _options.MaxAudioDuration)
        {
            throw ApiException.AudioTooLong(_options.MaxAudioDuration);
        }
        long frames = header.FrameCount;
        var mono = new float[frames];
        int framesPerBlock = Math.Max(1, BlockBytes / header.BlockAlign);
        var block = new byte[framesPerBlock * header.BlockAlign];
        long done = 0;
        while (done < frames)
        {
            int want = (int)Math.Min(framesPerBlock, frames - done);
            int bytes = stream.ReadAtLeast(block.AsSpan(0, want * header.BlockAlign), want * header.BlockAlign, throwOnEndOfStream: false);
            int got = bytes / header.BlockAlign;
            if (got == 0)
            {
                break;
            }
            DownmixBlock(block.AsSpan(0, got * header.BlockAlign), mono.AsSpan((int)done, got), header);
            done += got;
            if (got < want)
            {
                break;
            }
        }
        var samples = done == frames ? mono : mono.AsSpan(0, (int)done).ToArray();
        if (header.SampleRate != DecodedAudio.SampleRate)
        {
            samples = PolyphaseResampler.ToSpeechRate(header.SampleRate).Resample(samples);
        }
        return new DecodedAudio(samples);
    }

    /// <summary>Converts whole frames to one float per frame: the mean of the channels, scaled to [-1, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DownmixBlock(ReadOnlySpan<byte> src, Span<float> dst, WavHeader h)
    {
        switch (h.Encoding, h.BitsPerSample)
        {
            case (WavEncoding.PcmInteger, 16) when h.Channels == 1:
                // The common case (16 kHz mono s16, what most speech tools write) gets a plain loop.
                var s16 = MemoryMarshal.Cast<byte, short>(src);
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = s16[i] * (1f / 32768f);
                }
                break;
            case (WavEncoding.PcmInteger, 8):
                Downmix<UInt8Sample>(src, dst, h.Channels);
                break;
            case (WavEncoding.PcmInteger, 16):
                Downmix<Int16Sample>(src, dst, h.Channels);
                break;
            case (WavEncoding.PcmInteger, 24):
                Downmix<Int24Sample>(src, dst, h.Channels);
                break;
            case (WavEncoding.PcmInteger, 32):
                Downmix<Int32Sample>(src, dst, h.Channels);
                break;
            case (WavEncoding.IeeeFloat, 32):
                Downmix<Float32Sample>(src, dst, h.Channels);
                break;
            case (WavEncoding.IeeeFloat, 64):
                Downmix<Float64Sample>(src, dst, h.Channels);
                break;
            default:
                throw new InvalidOperationException($"Unhandled WAV sample format {h.Encoding}/{h.BitsPerSample}.");
        }
    }

    // One loop for every sample width: the struct type argument makes the JIT compile a specialised,
    // inlined copy per format.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Downmix<T>(ReadOnlySpan<byte> src, Span<float> dst, int channels) where T : struct, ISampleFormat
    {
        double mean = 1.0 / channels;
        for (int i = 0, k = 0; i < dst.Length; i++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++, k += T.Size)
            {
                sum += T.Read(src, k);
            }
            dst[i] = Sanitize((float)(sum * mean));
        }
    }

    private interface ISampleFormat
    {
        static abstract int Size { get; }

        /// <summary>The sample at byte <paramref name="offset"/>, scaled so full scale is 1.</summary>
        static abstract double Read(ReadOnlySpan<byte> src, int offset);
    }

    private struct UInt8Sample : ISampleFormat
    {
        public static int Size => 1;
        public static double Read(ReadOnlySpan<byte> src, int offset) => (src[offset] - 128) * (1.0 / 128);
    }

    private struct Int16Sample : ISampleFormat
    {
        public static int Size => 2;
        public static double Read(ReadOnlySpan<byte> src, int offset) =>
            MemoryMarshal.Read<short>(src[offset..]) * (1.0 / 32768);
    }

    private struct Int24Sample : ISampleFormat
    {
        public static int Size => 3;
        // Little-endian 24-bit, sign-extended by shifting into the top of an int.
        public static double Read(ReadOnlySpan<byte> src, int offset) =>
            ((src[offset] << 8 | src[offset + 1] << 16 | src[offset + 2] << 24) >> 8) * (1.0 / 8388608);
    }

    private struct Int32Sample : ISampleFormat
    {
        public static int Size => 4;
        public static double Read(ReadOnlySpan<byte> src, int offset) =>
            MemoryMarshal.Read<int>(src[offset..]) * (1.0 / 2147483648);
    }

    private struct Float32Sample : ISampleFormat
    {
        public static int Size => 4;
        public static double Read(ReadOnlySpan<byte> src, int offset) => MemoryMarshal.Read<float>(src[offset..]);
    }

    private struct Float64Sample : ISampleFormat
    {
        public static int Size => 8;
        public static double Read(ReadOnlySpan<byte> src, int offset) => MemoryMarshal.Read<double>(src[offset..]);
    }

    /// <summary>Float files can hold NaN, infinities and overs; the engine gets finite samples in [-1, 1].</summary>
    private static float Sanitize(float v) => float.IsFinite(v) ? Math.Clamp(v, -1f, 1f) : 0f;
}
