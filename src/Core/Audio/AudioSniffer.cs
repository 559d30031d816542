using System.Buffers.Binary;

namespace SpeechToText.Core.Audio;

/// <summary>
/// Identifies an upload's container from its first bytes, never from its name. Only the containers
/// the service decodes are recognised; text (playlists, ffconcat scripts, HTML), zeros and noise are
/// <see cref="AudioContainer.Unknown"/>, so they never reach a demuxer that could follow references.
/// </summary>
public static class AudioSniffer
{
    /// <summary>
    /// For a file that starts with an ID3v2 tag, how many bytes past the tag are worth passing to
    /// <see cref="Detect"/> so it can see what the tag precedes.
    /// </summary>
    public const int BytesAfterId3 = 64;

    public static AudioContainer Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4)
        {
            return AudioContainer.Unknown;
        }
        if (IsRiffWave(head))
        {
            return AudioContainer.Wav;
        }
        if (head.StartsWith("fLaC"u8))
        {
            return AudioContainer.Flac;
        }
        // Ogg page: capture pattern and stream structure version 0.
        if (head.StartsWith("OggS"u8) && head.Length >= 5 && head[4] == 0)
        {
            return AudioContainer.Ogg;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return AudioContainer.Webm;
        }
        if (head.Length >= 8 && head.Slice(4, 4).SequenceEqual("ftyp"u8)
            && BinaryPrimitives.ReadUInt32BigEndian(head) is >= 8 and < 4096)
        {
            return AudioContainer.Mp4;
        }
        if (Id3TagLength(head) is int tagLength)
        {
            return DetectAfterId3(head, tagLength);
        }
        if (IsMpegAudioLayer3Frame(head))
        {
            return AudioContainer.Mp3;
        }
        if (IsAdtsFrame(head))
        {
            return AudioContainer.Aac;
        }
        return AudioContainer.Unknown;
    }

    /// <summary>
    /// The total length (header included) of the ID3v2 tag at the start of <paramref name="head"/>,
    /// or null when there is no valid tag header there.
    /// </summary>
    public static int? Id3TagLength(ReadOnlySpan<byte> head)
    {
        // "ID3", major version 2..4, revision != 0xFF, flags, 4 syncsafe size bytes (7 bits each).
        if (head.Length < 10 || !head.StartsWith("ID3"u8) || head[3] is < 2 or > 4 || head[4] == 0xFF)
        {
            return null;
        }
        int size = 0;
        for (int i = 6; i < 10; i++)
        {
            if (head[i] >= 0x80)
            {
                return null;
            }
            size = (size << 7) | head[i];
        }
        bool hasFooter = head[3] == 4 && (head[5] & 0x10) != 0;
        return 10 + size + (hasFooter ? 10 : 0);
    }

    private static AudioContainer DetectAfterId3(ReadOnlySpan<byte> head, int tagLength)
    {
        // An ID3 tag usually precedes MP3 but some tools put one before FLAC or ADTS AAC. When the
        // bytes after the tag are at hand, route by them; otherwise MP3 is by far the likeliest.
        if (head.Length >= tagLength + 4)
        {
            var rest = head[tagLength..];
            if (rest.StartsWith("fLaC"u8))
            {
                return AudioContainer.Flac;
            }
            if (IsAdtsFrame(rest))
            {
                return AudioContainer.Aac;
            }
        }
        return AudioContainer.Mp3;
    }

    private static bool IsRiffWave(ReadOnlySpan<byte> head) =>
        head.Length >= 12
        && (head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8) || head.StartsWith("BW64"u8))
        && head.Slice(8, 4).SequenceEqual("WAVE"u8);

    /// <summary>
    /// An MPEG-1/2/2.5 Layer III frame header: 11 sync bits, no reserved version, layer III, a real
    /// bitrate (not free-format, not the invalid index 15), a real sample rate, a valid emphasis.
    /// Layers I and II are not accepted: the bundled decoder set has no decoder for them.
    /// </summary>
    internal static bool IsMpegAudioLayer3Frame(ReadOnlySpan<byte> h)
    {
        if (h.Length < 4 || h[0] != 0xFF || (h[1] & 0xE0) != 0xE0)
        {
            return false;
        }
        int version = (h[1] >> 3) & 0x3;
        int layer = (h[1] >> 1) & 0x3;
        int bitrateIndex = h[2] >> 4;
        int sampleRateIndex = (h[2] >> 2) & 0x3;
        int emphasis = h[3] & 0x3;
        return version != 1 && layer == 1 && bitrateIndex is not 0 and not 15 && sampleRateIndex != 3 && emphasis != 2;
    }

    /// <summary>An ADTS header: 12 sync bits, layer 0, a defined sampling index and a frame length that holds the header.</summary>
    internal static bool IsAdtsFrame(ReadOnlySpan<byte> h)
    {
        if (h.Length < 7 || h[0] != 0xFF || (h[1] & 0xF6) != 0xF0)
        {
            return false;
        }
        int sampleRateIndex = (h[2] >> 2) & 0xF;
        int channelConfig = ((h[2] & 0x1) << 2) | (h[3] >> 6);
        int frameLength = ((h[3] & 0x3) << 11) | (h[4] << 3) | (h[5] >> 5);
        bool protectionAbsent = (h[1] & 0x1) == 1;
        return sampleRateIndex < 13 && channelConfig <= 7 && frameLength >= (protectionAbsent ? 7 : 9);
    }
}
