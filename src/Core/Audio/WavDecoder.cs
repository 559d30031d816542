using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

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
            throw AudioErrors.AudioTooLong(_options.MaxAudioDuration);
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
    private static void DownmixBlock(ReadOnlySpan<byte> src, Span<float> dst, WavHeader h)
    {
        int channels = h.Channels;
        float mean = 1f / channels;
        switch (h.Encoding, h.BitsPerSample)
        {
            case (WavEncoding.PcmInteger, 8):
                for (int i = 0, k = 0; i < dst.Length; i++)
                {
                    int sum = 0;
                    for (int c = 0; c < channels; c++, k++)
                    {
                        sum += src[k] - 128;
                    }
                    dst[i] = sum * (mean / 128f);
                }
                break;
            case (WavEncoding.PcmInteger, 16):
            {
                var s = MemoryMarshal.Cast<byte, short>(src);
                if (channels == 1)
                {
                    for (int i = 0; i < dst.Length; i++)
                    {
                        dst[i] = s[i] * (1f / 32768f);
                    }
                    break;
                }
                for (int i = 0, k = 0; i < dst.Length; i++)
                {
                    int sum = 0;
                    for (int c = 0; c < channels; c++, k++)
                    {
                        sum += s[k];
                    }
                    dst[i] = sum * (mean / 32768f);
                }
                break;
            }
            case (WavEncoding.PcmInteger, 24):
                for (int i = 0, k = 0; i < dst.Length; i++)
                {
                    int sum = 0;
                    for (int c = 0; c < channels; c++, k += 3)
                    {
                        // Little-endian 24-bit, sign-extended by shifting into the top of an int.
                        sum += (src[k] << 8 | src[k + 1] << 16 | src[k + 2] << 24) >> 8;
                    }
                    dst[i] = sum * (mean / 8388608f);
                }
                break;
            case (WavEncoding.PcmInteger, 32):
            {
                var s = MemoryMarshal.Cast<byte, int>(src);
                for (int i = 0, k = 0; i < dst.Length; i++)
                {
                    double sum = 0;
                    for (int c = 0; c < channels; c++, k++)
                    {
                        sum += s[k];
                    }
                    dst[i] = (float)(sum * (mean / 2147483648.0));
                }
                break;
            }
            case (WavEncoding.IeeeFloat, 32):
            {
                var s = MemoryMarshal.Cast<byte, float>(src);
                for (int i = 0, k = 0; i < dst.Length; i++)
                {
                    float sum = 0;
                    for (int c = 0; c < channels; c++, k++)
                    {
                        sum += s[k];
                    }
                    dst[i] = Sanitize(sum * mean);
                }
                break;
            }
            case (WavEncoding.IeeeFloat, 64):
            {
                var s = MemoryMarshal.Cast<byte, double>(src);
                for (int i = 0, k = 0; i < dst.Length; i++)
                {
                    double sum = 0;
                    for (int c = 0; c < channels; c++, k++)
                    {
                        sum += s[k];
                    }
                    dst[i] = Sanitize((float)(sum * mean));
                }
                break;
            }
            default:
                throw new InvalidOperationException($"Unhandled WAV sample format {h.Encoding}/{h.BitsPerSample}.");
        }
    }

    /// <summary>Float files can hold NaN, infinities and overs; the engine gets finite samples in [-1, 1].</summary>
    private static float Sanitize(float v) => float.IsFinite(v) ? Math.Clamp(v, -1f, 1f) : 0f;
}
