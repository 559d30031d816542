using System.Buffers.Binary;
using System.Text;
using SpeechToText.TestSupport;
using SpeechToText.Core.Audio;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Hostile;

/// <summary>What a hostile case's sender has at hand: the real samples and the canary address.</summary>
public sealed record HostileContext(AudioSamples Samples, Uri CanaryUrl);

/// <summary>
/// The answer a case must get: a status, and for errors the envelope's code. <paramref name="Envelope"/>
/// is false only where Kestrel itself rejects the request before any application code runs (a header
/// block over its limits), so the body cannot be ours. <paramref name="MessageContains"/> pins a message
/// that must name the real cause.
/// </summary>
public sealed record Expected(int Status, string? Code, bool Envelope = true, string? MessageContains = null)
{
    public static Expected Ok { get; } = new(200, null);

    public static Expected BadFormat { get; } = new(400, "invalid_file_format");

    public static Expected Bad(string code) => new(400, code);
}

/// <summary>One named hostile request: its bytes on the wire (built at test time from real samples) and the right answer.</summary>
public sealed record HostileCase(string Name, Func<HostileContext, byte[]> Request, Expected Expected)
{
    /// <summary>No case may take longer than this to be answered (the stalled upload needs Api:UploadTimeout plus the drain).</summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(45);
}

/// <summary>
/// The hostile-input corpus: every case generated in code from the real samples, none stored as a blob.
/// Grouped by what they attack: the sniffer (empty, random, playlists), the decoders (truncation, WAV
/// header lies, hours of silence), and the request parser (multipart and HTTP framing).
/// </summary>
public static class HostileCorpus
{
    public const string TranscriptionsPath = "v1/audio/transcriptions";

    /// <summary>Every extension OpenAI lists as supported.</summary>
    public static readonly string[] Extensions = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];

    public static IReadOnlyList<HostileCase> All { get; } =
    [
        .. NotAudio(),
        .. Truncations(),
        .. WavHeaderLies(),
        .. Containers(),
        .. Mp4BoxSizeLies(),
        .. Playlists(),
        .. MultipartAttacks(),
        .. HttpFramingAttacks(),
    ];

    public static HostileCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>A well-formed upload of <paramref name="data"/>.</summary>
    public static byte[] Upload(byte[] data, string fileName = "audio.bin") =>
        RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, MultipartBody.Upload(data, fileName));

    private static byte[] Upload(MultipartBody body, bool closed = true) =>
        RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, body.Build(closed));

    private static byte[] Read(string path) => File.ReadAllBytes(path);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static IEnumerable<HostileCase> NotAudio()
    {
        foreach (var (ext, i) in Extensions.Select((e, i) => (e, i)))
        {
            yield return new($"empty file named audio.{ext}", _ => Upload([], $"audio.{ext}"), Expected.BadFormat);
            yield return new($"64 KB of random bytes named audio.{ext}", _ => Upload(RandomBytes(64 * 1024, 1000 + i), $"audio.{ext}"),
                Expected.BadFormat);
        }
        // Past Api:MemoryThresholdBytes (8 MB) an upload spills to a temp file, which must be gone afterwards.
        yield return new("12 MB of random bytes (spilled to a temp file)", _ => Upload(RandomBytes(12 << 20, 2000), "big.wav"), Expected.BadFormat);
        // The largest ID3 size there is, in front of a spilled upload: sniffed as MP3 without reading 256 MB ahead.
        yield return new("ID3 tag declaring 256 MB at the head of a 9 MB upload (spilled)",
            _ => Upload([.. Id3Tag(0x7F), .. RandomBytes(9 << 20, 2001)]), Expected.BadFormat);
    }

    // ---- truncation: a real file cut short. What is left of the audio is decoded (as any player would);
    // ---- a cut that leaves no whole frame is an invalid file.

    private static IEnumerable<HostileCase> Truncations()
    {
        (string Name, Func<AudioSamples, string> File, Func<byte[], int> HeaderEnd)[] sources =
        [
            ("MP3", s => s.Mp3, Mp3HeaderEnd),
            ("FLAC", s => s.Flac, _ => 42),          // "fLaC" + the STREAMINFO block, no frames
            ("Ogg Vorbis", s => s.OggVorbis, OggFirstPageEnd),
            ("M4A", s => s.M4a, Mp4MdatStart),       // ftyp + moov (faststart), no samples
        ];
        foreach (var (name, file, headerEnd) in sources)
        {
            yield return new($"{name} cut after its headers (no audio frame)", c =>
            {
                var bytes = Read(file(c.Samples));
                return Upload(bytes[..headerEnd(bytes)], "cut." + name);
            }, Expected.BadFormat);
            // 600 bytes of MP3 are a few whole frames (too short to transcribe); of the others, no whole frame.
            yield return new($"{name} cut to its first 600 bytes", c => Upload(Read(file(c.Samples))[..600]),
                name == "MP3" ? Expected.Bad("audio_too_short") : Expected.BadFormat);
            // Half the file still holds over a second of speech: transcribed, like a player plays it.
            yield return new($"{name} cut in half (the first half decodes, 200)", c =>
            {
                var bytes = Read(file(c.Samples));
                return Upload(bytes[..(bytes.Length / 2)]);
            }, Expected.Ok);
        }
    }

    internal static int Mp3HeaderEnd(byte[] mp3) => (AudioSniffer.Id3TagLength(mp3) ?? 0) + 4;

    internal static int OggFirstPageEnd(byte[] ogg) => ogg.AsSpan(4).IndexOf("OggS"u8) + 4;

    internal static int Mp4MdatStart(byte[] mp4) => mp4.AsSpan().IndexOf("mdat"u8) - 4;

    // ---- WAV headers declaring what no real file does, built around the real speech samples.

    private static byte[] SpeechPcm(AudioSamples samples)
    {
        using var stream = File.OpenRead(samples.Wav16kMonoS16);
        var header = WavHeader.Read(stream);
        var data = new byte[header.DataLength];
        stream.ReadExactly(data);
        return data;
    }

    private static byte[] Wav(AudioSamples s, int channels = 1, int rate = 16_000, int bits = 16, int? blockAlign = null) =>
        Upload(new WavBuilder().Chunk("fmt ", WavBuilder.Fmt(1, channels, rate, bits, blockAlign)).Chunk("data", SpeechPcm(s)).Build());

    private static IEnumerable<HostileCase> WavHeaderLies()
    {
        var fmt = WavBuilder.Fmt(1, 1, 16_000, 16);
        yield return new("WAV declaring a sample rate of 0", c => Wav(c.Samples, rate: 0), Expected.BadFormat);
        // 56,000 frames at 1 Hz are 15.5 hours: refused from the header, before a sample is allocated.
        yield return new("WAV declaring a sample rate of 1 Hz (15 hours of frames)", c => Wav(c.Samples, rate: 1), Expected.Bad("audio_too_long"));
        yield return new("WAV declaring a sample rate of 2^31", c => Wav(c.Samples, rate: int.MinValue), Expected.BadFormat);
        yield return new("WAV declaring 0 channels", c => Wav(c.Samples, channels: 0, blockAlign: 2), Expected.BadFormat);
        yield return new("WAV declaring 65535 channels", c => Wav(c.Samples, channels: 65535, blockAlign: 2), Expected.BadFormat);
        yield return new("WAV declaring 0 bits per sample", c => Wav(c.Samples, bits: 0, blockAlign: 2), Expected.BadFormat);
        yield return new("WAV declaring 7 bits per sample", c => Wav(c.Samples, bits: 7, blockAlign: 1), Expected.BadFormat);
        yield return new("WAV declaring 64-bit integer PCM", c => Wav(c.Samples, bits: 64), Expected.BadFormat);
        yield return new("WAV declaring a block align of 0", c => Wav(c.Samples, blockAlign: 0), Expected.BadFormat);
        // Streaming writers put 0xFFFFFFFF (unknown) there: the samples present are the audio.
        yield return new("WAV data size 0xFFFFFFFF (streaming writers' unknown length, 200)",
            c => Upload(new WavBuilder().Chunk("fmt ", fmt).Chunk("data", SpeechPcm(c.Samples), 0xFFFFFFFF).Build()), Expected.Ok);
        // A size past the end is a truncated upload: what is there decodes.
        yield return new("WAV data size beyond the end of the file (truncated upload, 200)",
            c => Upload(new WavBuilder().Chunk("fmt ", fmt).Chunk("data", SpeechPcm(c.Samples), 0x7FFF0000).Build()), Expected.Ok);
        // RF64 keeps the real size in ds64; a negative one is no size at all, so again what is there.
        yield return new("RF64 with a negative ds64 data size (read as unknown, 200)",
            c => Upload(new WavBuilder { RiffId = "RF64" }.Chunk("ds64", Ds64(dataSize: -2)).Chunk("fmt ", fmt)
                .Chunk("data", SpeechPcm(c.Samples), 0xFFFFFFFF).Build()), Expected.Ok);
        yield return new("RF64 with a ds64 data size of 2^62 (past the end, 200)",
            c => Upload(new WavBuilder { RiffId = "RF64" }.Chunk("ds64", Ds64(dataSize: 1L << 62)).Chunk("fmt ", fmt)
                .Chunk("data", SpeechPcm(c.Samples), 0xFFFFFFFF).Build()), Expected.Ok);
        yield return new("WAV without a fmt chunk", c => Upload(new WavBuilder().Chunk("data", SpeechPcm(c.Samples)).Build()), Expected.BadFormat);
        yield return new("WAV with an 8-byte fmt chunk", c => Upload(new WavBuilder().Chunk("fmt ", fmt[..8]).Chunk("data", SpeechPcm(c.Samples)).Build()),
            Expected.BadFormat);
        yield return new("WAV with a second fmt chunk declaring 0 channels",
            c => Upload(new WavBuilder().Chunk("fmt ", fmt).Chunk("fmt ", WavBuilder.Fmt(1, 0, 16_000, 16, 2)).Chunk("data", SpeechPcm(c.Samples)).Build()),
            Expected.BadFormat);
        // Two identical format declarations say the same thing once too often: harmless, so decoded.
        yield return new("WAV with the same fmt chunk twice (harmless, 200)",
            c => Upload(new WavBuilder().Chunk("fmt ", fmt).Chunk("fmt ", fmt).Chunk("data", SpeechPcm(c.Samples)).Build()), Expected.Ok);
        yield return new("WAV with its data chunk before fmt and no length",
            c => Upload(new WavBuilder().Chunk("data", SpeechPcm(c.Samples), 0xFFFFFFFF).Chunk("fmt ", fmt).Build()), Expected.BadFormat);
        yield return new("RIFF WAVE header alone (12 bytes)", _ => Upload([.. "RIFF"u8, 4, 0, 0, 0, .. "WAVE"u8]), Expected.BadFormat);
    }

    private static byte[] Ds64(long dataSize)
    {
        var body = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), dataSize);
        return body;
    }

    // ---- containers whose right answer needs care.

    private static IEnumerable<HostileCase> Containers()
    {
        // Hours of silence compress to a few MB; decoding stops at Audio:MaxAudioDuration (10 min in this
        // server) instead of filling memory with hours of samples, and the answer says why.
        yield return new("5 hours of silence as a small FLAC (over Audio:MaxAudioDuration)", c => Upload(Read(FiveHoursOfSilence(c.Samples))),
            Expected.Bad("audio_too_long"));
        // The index after the samples is legal MP4 (ffmpeg's default): it is decoded from a seekable temp copy.
        yield return new("MP4 with its moov index after mdat (valid, 200)", c => Upload(Read(c.Samples.Mp4MoovAtEnd)), Expected.Ok);
        yield return new("MP4 with moov after mdat, cut before the moov", c =>
        {
            var bytes = Read(c.Samples.Mp4MoovAtEnd);
            return Upload(bytes[..(bytes.AsSpan().LastIndexOf("moov"u8) - 4)]);
        }, Expected.BadFormat);
    }

    /// <summary>
    /// A box with a 64-bit size of 2^63-1 made the in-memory MP4 box walk (does moov precede mdat?) overflow
    /// its position and index outside the file: a 500. Seen in review, then found by the fuzzer on its own
    /// (seed 20261129, input 3262: mp4-moov-end with its 'free' box given that size); this is it minimised.
    /// </summary>
    private static IEnumerable<HostileCase> Mp4BoxSizeLies()
    {
        foreach (var (label, largeSize) in new[] { ("2^63-1", long.MaxValue), ("2^62", 1L << 62), ("-1", -1L) })
        {
            yield return new($"M4A with a 64-bit box size of {label} before moov", c =>
            {
                var m4a = Read(c.Samples.M4a);
                int ftypEnd = (int)BinaryPrimitives.ReadUInt32BigEndian(m4a);
                var box = new byte[16];
                BinaryPrimitives.WriteUInt32BigEndian(box, 1);
                "free"u8.CopyTo(box.AsSpan(4));
                BinaryPrimitives.WriteInt64BigEndian(box.AsSpan(8), largeSize);
                return Upload([.. m4a.AsSpan(0, ftypEnd), .. box, .. m4a.AsSpan(ftypEnd)]);
            }, Expected.BadFormat);
        }
    }

    private static readonly Lock SilenceLock = new();

    private static string FiveHoursOfSilence(AudioSamples samples)
    {
        lock (SilenceLock)
        {
            var path = Path.Combine(samples.Folder, "silence-5h.flac");
            if (!File.Exists(path))
            {
                AudioSamples.Run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
                    "-t", "18000", "-c:a", "flac", path);
            }
            return path;
        }
    }

    // ---- text that points elsewhere. If ffmpeg followed any of it, the WAV entries would decode (200)
    // ---- and the canary would see a connection; the answer must be 400 and the canary silent.

    private static IEnumerable<HostileCase> Playlists()
    {
        yield return new("M3U playlist with a file:// entry naming a real WAV",
            c => Upload(Text($"#EXTM3U\n#EXTINF:3,speech\nfile://{c.Samples.Wav16kMonoS16}\n{c.Samples.Wav16kMonoS16}\n"), "list.m3u"), Expected.BadFormat);
        yield return new("M3U playlist with an http:// entry at the canary",
            c => Upload(Text($"#EXTM3U\n#EXTINF:3,remote\n{c.CanaryUrl}speech.wav\n"), "list.mp3"), Expected.BadFormat);
        yield return new("HLS M3U8 with local segment paths",
            c => Upload(Text($"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:4.0,\n{c.Samples.Mp3}\n" +
                $"#EXTINF:4.0,\n{c.CanaryUrl}seg1.ts\n#EXT-X-ENDLIST\n"), "index.m3u8"), Expected.BadFormat);
        yield return new("ffconcat script naming a real WAV",
            c => Upload(Text($"ffconcat version 1.0\nfile '{c.Samples.Wav16kMonoS16}'\nfile 'file:{c.Samples.Flac}'\n"), "audio.wav"), Expected.BadFormat);
        yield return new("SDP session description sending RTP to the canary",
            c => Upload(Text($"v=0\no=- 0 0 IN IP4 127.0.0.1\ns=hostile\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio {c.CanaryUrl.Port} RTP/AVP 0\n" +
                "a=rtpmap:0 PCMU/8000\n"), "stream.ogg"), Expected.BadFormat);
        yield return new("concat: protocol URL as the whole file",
            c => Upload(Text($"concat:{c.Samples.Wav16kMonoS16}|{c.Samples.Wav16kMonoS16}"), "audio.flac"), Expected.BadFormat);
        // An ID3 tag makes it sniff as MP3; the forced mp3 demuxer reads frames, never a playlist.
        yield return new("ID3 tag followed by an HLS playlist",
            c => Upload([.. Id3Tag(0), .. Text($"#EXTM3U\n#EXTINF:3,\n{c.Samples.Wav16kMonoS16}\n#EXTINF:3,\n{c.CanaryUrl}a.mp3\n")]), Expected.BadFormat);
        // The name is only shown, never used to choose a demuxer: real WAV content named like a playlist is transcribed.
        yield return new("real WAV named index.m3u8 (content decides, 200)", c => Upload(Read(c.Samples.Wav16kMonoS16), "index.m3u8"), Expected.Ok);
    }

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>An ID3v2.4 tag header whose four syncsafe size bytes are all <paramref name="sizeByte"/>.</summary>
    private static byte[] Id3Tag(byte sizeByte) => [.. "ID3"u8, 4, 0, 0, sizeByte, sizeByte, sizeByte, sizeByte];

    // ---- multipart bodies that break the parser's assumptions.

    private static IEnumerable<HostileCase> MultipartAttacks()
    {
        yield return new("5000 form fields (over Api:MaxParts)", _ =>
        {
            var body = new MultipartBody();
            for (int i = 0; i < 5000; i++)
            {
                body.Field($"f{i}", "x");
            }
            return Upload(body);
        }, Expected.Bad("too_many_parts"));
        yield return new("multipart Content-Type without a boundary",
            c => RawHttp.Post(TranscriptionsPath, "multipart/form-data", MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16))),
            Expected.Bad("invalid_content_type"));
        yield return new("closing boundary never sent",
            c => Upload(new MultipartBody().Field("model", "whisper-1").File(Read(c.Samples.Wav16kMonoS16)), closed: false),
            Expected.Bad("invalid_multipart"));
        yield return new("body without any boundary line", _ => RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, Text("just text, no parts")),
            Expected.Bad("invalid_multipart"));
        yield return new("model field sent twice",
            c => Upload(new MultipartBody().File(Read(c.Samples.Wav16kMonoS16)).Field("model", "whisper-1").Field("model", "whisper-1")),
            Expected.Bad("duplicate_parameter"));
        yield return new("file part sent twice",
            c => Upload(new MultipartBody().File(Read(c.Samples.Wav16kMonoS16)).File(Read(c.Samples.Mp3)).Field("model", "whisper-1")),
            Expected.Bad("duplicate_parameter"));
        yield return new("model value that is not UTF-8",
            c => Upload(new MultipartBody().File(Read(c.Samples.Wav16kMonoS16)).Field("model", [0x77, 0xFF, 0xFE, 0xC3])),
            Expected.Bad("invalid_value"));
        yield return new("language value in Latin-1",
            c => Upload(new MultipartBody().File(Read(c.Samples.Wav16kMonoS16)).Field("model", "whisper-1").Field("language", [0x66, 0xE9])),
            Expected.Bad("invalid_value"));
        yield return new("part without Content-Disposition",
            c => Upload(new MultipartBody().Part(Text("Content-Type: audio/wav"), Read(c.Samples.Wav16kMonoS16)).Field("model", "whisper-1")),
            Expected.Bad("invalid_multipart"));
        yield return new("part with 100 headers (over the per-part header count)", c =>
        {
            var headers = string.Join("\r\n", Enumerable.Range(0, 100).Select(i => $"X-Bomb-{i}: {i}"));
            return Upload(new MultipartBody().Part(Text("Content-Disposition: form-data; name=\"model\"\r\n" + headers), Text("whisper-1"))
                .File(Read(c.Samples.Wav16kMonoS16)));
        }, Expected.Bad("invalid_multipart"));

        // File names are shown, never used as paths: hostile ones change nothing about a real upload.
        yield return new("file name ../../etc/passwd (never a path, 200)", c => Upload(Read(c.Samples.Wav16kMonoS16), "../../etc/passwd"), Expected.Ok);
        yield return new("file name with NUL bytes (200)",
            c => Upload(new MultipartBody().File(Read(c.Samples.Wav16kMonoS16), [.. "a\0b\0.wav"u8]).Field("model", "whisper-1")), Expected.Ok);
        yield return new("file name of 10 KB (200)", c => Upload(Read(c.Samples.Wav16kMonoS16), new string('n', 10 * 1024) + ".wav"), Expected.Ok);
        yield return new("file name of 20 KB (part header over Api:MaxPartHeaderBytes)",
            c => Upload(Read(c.Samples.Wav16kMonoS16), new string('n', 20 * 1024) + ".wav"), Expected.Bad("invalid_multipart"));
        // CR/LF ends the header line early; the rest reads as a header line without a colon.
        yield return new("file name with CR/LF injecting a header",
            c => Upload(new MultipartBody().File(Read(c.Samples.Wav16kMonoS16), [.. "a.wav\"\r\nX-Injected: 1\r\nbroken"u8]).Field("model", "whisper-1")),
            Expected.Bad("invalid_multipart"));
        yield return new("file name with a unicode right-to-left override (200)",
            c => Upload(Read(c.Samples.Wav16kMonoS16), "speech\u202Evaw.exe"), Expected.Ok);
    }

    // ---- the HTTP framing around the form.

    private static IEnumerable<HostileCase> HttpFramingAttacks()
    {
        foreach (var contentType in new[] { "application/json", "application/x-www-form-urlencoded", "multipart/mixed; boundary=x" })
        {
            yield return new($"Content-Type {contentType}",
                c => RawHttp.Post(TranscriptionsPath, contentType, MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16))),
                Expected.Bad("invalid_content_type"));
        }
        yield return new("no Content-Type", c => RawHttp.Post(TranscriptionsPath, null, MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16))),
            Expected.Bad("invalid_content_type"));
        yield return new("Content-Length of 1 TB with a short body",
            c => RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16)), contentLength: 1L << 40),
            new Expected(413, "file_too_large"));
        // The client promises 1 MB, sends a little and stalls: answered when Api:UploadTimeout runs out.
        yield return new("Content-Length of 1 MB, 100 bytes sent, then nothing",
            _ => RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, MultipartBody.Upload(new byte[8])[..100], contentLength: 1 << 20),
            new Expected(408, "upload_timeout"));
        yield return new("file one byte over 25 MiB", _ => Upload(new byte[26_214_401]), new Expected(413, "file_too_large"));
        yield return new("chunked body with a malformed chunk size", c =>
        {
            byte[] head = Text($"POST /{TranscriptionsPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                $"Content-Type: {MultipartBody.ContentType}\r\nTransfer-Encoding: chunked\r\n\r\n");
            return [.. head, .. Text("10\r\n"), .. MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16))[..16], .. Text("\r\nZZZZ\r\n")];
        }, new Expected(400, "invalid_multipart", MessageContains: "chunk"));
        // Kestrel refuses these header blocks itself (431) before any middleware runs; no envelope is possible there.
        yield return new("HTTP header bomb: 500 headers",
            c => RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16)),
                extraHeaders: Enumerable.Range(0, 500).Select(i => $"X-Bomb-{i}: {i}")),
            new Expected(431, null, Envelope: false));
        yield return new("HTTP header bomb: one 64 KB header",
            c => RawHttp.Post(TranscriptionsPath, MultipartBody.ContentType, MultipartBody.Upload(Read(c.Samples.Wav16kMonoS16)),
                extraHeaders: [$"X-Bomb: {new string('b', 64 * 1024)}"]),
            new Expected(431, null, Envelope: false));
    }
}
