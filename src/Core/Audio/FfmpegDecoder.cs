using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>
/// Decodes any sniffed container to 16 kHz mono float by running ffmpeg as a child process: no shell,
/// an empty environment, the demuxer forced from the sniffed container (so a playlist or concat script
/// can never be read as one), only the pipe or file protocol, and bounded in time and output length.
/// </summary>
public sealed class FfmpegDecoder(IOptions<AudioOptions> options, ILogger<FfmpegDecoder>? logger = null)
{
    private const int StderrKeepChars = 4096;
    private const int ChunkSamples = 1 << 18;

    private readonly AudioOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? NullLogger<FfmpegDecoder>.Instance;

    /// <summary>The ffmpeg demuxer that reads <paramref name="container"/>, or null when none may.</summary>
    public static string? DemuxerFor(AudioContainer container) => container switch
    {
        AudioContainer.Wav => "wav",
        AudioContainer.Mp3 => "mp3",
        AudioContainer.Mp4 => "mov",
        AudioContainer.Ogg => "ogg",
        AudioContainer.Webm => "matroska",
        AudioContainer.Flac => "flac",
        AudioContainer.Aac => "aac",
        _ => null,
    };

    public async Task<DecodedAudio> DecodeAsync(AudioUpload upload, AudioContainer container, CancellationToken cancellationToken)
    {
        string demuxer = DemuxerFor(container) ?? throw ApiException.InvalidFileFormat("the file is not a recognised audio container");
        string ffmpeg = _options.FfmpegPath;
        if (!File.Exists(ffmpeg))
        {
            throw ApiException.DecoderUnavailable($"ffmpeg was not found at '{ffmpeg}' (set Audio:FfmpegPath or FFMPEG_PATH).");
        }

        FileStream? seekableCopy = null;
        try
        {
            string? inputPath = upload.TempFilePath;
            ReadOnlyMemory<byte> stdinBytes = default;
            if (inputPath is null)
            {
                var bytes = upload.InMemory!.Value;
                if (container == AudioContainer.Mp4 && !MoovPrecedesMdat(bytes.Span))
                {
                    // The mov demuxer must seek to an index stored after the samples; a pipe cannot.
                    seekableCopy = await WriteTempCopyAsync(bytes, cancellationToken).ConfigureAwait(false);
                    inputPath = seekableCopy.Name;
                }
                else
                {
                    stdinBytes = bytes;
                }
            }
            return await RunAsync(ffmpeg, demuxer, inputPath, stdinBytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (seekableCopy is not null)
            {
                string path = seekableCopy.Name;
                await seekableCopy.DisposeAsync().ConfigureAwait(false);
                File.Delete(path);
            }
        }
    }

    internal static List<string> BuildArguments(string demuxer, string? inputPath) =>
    [
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
        // Input options: exactly one protocol, and the demuxer the content was sniffed as.
        "-protocol_whitelist", inputPath is null ? "pipe" : "file",
        "-f", demuxer,
        "-i", inputPath is null ? "pipe:0" : "file:" + inputPath,
        "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-ac", "1", "-ar", DecodedAudio.SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "-f", "f32le", "pipe:1",
    ];

    private async Task<DecodedAudio> RunAsync(string ffmpeg, string demuxer, string? inputPath, ReadOnlyMemory<byte> stdinBytes,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(ffmpeg)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = EnsureTempDirectory(),
        };
        // Nothing of this process's environment (credentials, proxies, library paths) reaches ffmpeg.
        startInfo.Environment.Clear();
        foreach (string argument in BuildArguments(demuxer, inputPath))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw ApiException.DecoderUnavailable($"ffmpeg at '{ffmpeg}' could not be started ({e.Message}).");
        }

        using var timeout = new CancellationTokenSource(_options.DecodeTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        // Kill rather than cancel reads: a killed ffmpeg closes its pipes, which ends every reader.
        bool stopped = false;
        var killOnStop = stop.Token.Register(() =>
        {
            stopped = true;
            Kill(process);
        });

        var output = new SampleCollector(_options.MaxSamples, () => Kill(process));
        var stdoutTask = output.ReadAllAsync(process.StandardOutput.BaseStream);
        var stderrTask = ReadTailAsync(process.StandardError);
        var stdinTask = WriteInputAsync(process.StandardInput.BaseStream, stdinBytes);
        await Task.WhenAll(stdoutTask, stderrTask, stdinTask).ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        stopwatch.Stop();
        // After this, a timer that fires late can no longer turn a finished decode into a timeout.
        await killOnStop.DisposeAsync().ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        if (stopped)
        {
            _logger.LogWarning("ffmpeg ({Demuxer}) was killed after the decode limit of {Timeout}", demuxer, _options.DecodeTimeout);
            throw ApiException.DecodeTimeout(_options.DecodeTimeout);
        }
        if (output.LimitExceeded)
        {
            throw ApiException.AudioTooLong(_options.MaxAudioDuration);
        }
        string stderr = CleanStderr(await stderrTask.ConfigureAwait(false), inputPath);
        if (process.ExitCode != 0)
        {
            _logger.LogDebug("ffmpeg ({Demuxer}) exited with {ExitCode}: {Stderr}", demuxer, process.ExitCode, stderr);
            throw ApiException.InvalidFileFormat(stderr.Length > 0 ? $"the {demuxer} decoder failed: {stderr}" : $"the {demuxer} decoder failed");
        }
        if (output.Count == 0)
        {
            throw ApiException.InvalidFileFormat($"no audio could be decoded from the {demuxer} data" + (stderr.Length > 0 ? $": {stderr}" : ""));
        }
        _logger.LogDebug("ffmpeg decoded {Seconds:0.00} s of {Demuxer} audio in {Elapsed} ms", output.Count / (double)DecodedAudio.SampleRate,
            demuxer, stopwatch.ElapsedMilliseconds);
        return new DecodedAudio(output.ToArray());
    }

    private static async Task WriteInputAsync(Stream stdin, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            if (!bytes.IsEmpty)
            {
                await stdin.WriteAsync(bytes).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (failed, finished early or was killed); its exit status tells why.
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Flushing into a closed pipe: same as above.
            }
        }
    }

    private static async Task<string> ReadTailAsync(StreamReader stderr)
    {
        var tail = new StringBuilder();
        var buffer = new char[1024];
        int read;
        while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 2 * StderrKeepChars)
            {
                tail.Remove(0, tail.Length - StderrKeepChars);
            }
        }
        return tail.Length > StderrKeepChars ? tail.ToString(tail.Length - StderrKeepChars, StderrKeepChars) : tail.ToString();
    }

    /// <summary>The last few lines of ffmpeg's complaints, without the server's temp path.</summary>
    private static string CleanStderr(string stderr, string? inputPath)
    {
        if (inputPath is not null)
        {
            stderr = stderr.Replace("file:" + inputPath, "input", StringComparison.Ordinal).Replace(inputPath, "input", StringComparison.Ordinal);
        }
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string joined = string.Join(" | ", lines.TakeLast(3));
        return joined.Length > 600 ? joined[^600..] : joined;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting while we tried; nothing left to kill.
        }
    }

    private string EnsureTempDirectory()
    {
        Directory.CreateDirectory(_options.TempDirectory);
        return _options.TempDirectory;
    }

    private async Task<FileStream> WriteTempCopyAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var file = PrivateTempFile.Create(_options.TempDirectory, $"decode-{Guid.NewGuid():N}.mp4");
        try
        {
            await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return file;
        }
        catch
        {
            string path = file.Name;
            await file.DisposeAsync().ConfigureAwait(false);
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// Whether an ISO-BMFF file's top-level 'moov' box (the index) comes before its 'mdat' (the samples),
    /// i.e. whether the file can be demuxed from a pipe.
    /// </summary>
    internal static bool MoovPrecedesMdat(ReadOnlySpan<byte> file)
    {
        long position = 0;
        while (position + 8 <= file.Length)
        {
            var box = file[(int)position..];
            long size = BinaryPrimitives.ReadUInt32BigEndian(box);
            var type = box.Slice(4, 4);
            if (type.SequenceEqual("moov"u8))
            {
                return true;
            }
            if (type.SequenceEqual("mdat"u8))
            {
                return false;
            }
            if (size == 1 && box.Length >= 16)
            {
                size = BinaryPrimitives.ReadInt64BigEndian(box[8..]);
            }
            // A size running past the end (a 64-bit one can reach 2^63) means no moov follows in this
            // file; stopping here also keeps position from overflowing.
            if (size < 8 || size > file.Length - position)
            {
                return false;
            }
            position += size;
        }
        return false;
    }

    /// <summary>Collects ffmpeg's f32le output into float chunks, stopping at a sample limit.</summary>
    private sealed class SampleCollector(long maxSamples, Action onLimit)
    {
        private readonly List<float[]> _chunks = [];
        private int _inLast = ChunkSamples;

        public long Count { get; private set; }

        public bool LimitExceeded { get; private set; }

        public async Task ReadAllAsync(Stream stdout)
        {
            var buffer = new byte[1 << 16];
            int carried = 0;
            int read;
            while ((read = await stdout.ReadAsync(buffer.AsMemory(carried)).ConfigureAwait(false)) > 0)
            {
                int available = carried + read;
                int whole = available / sizeof(float);
                if (!LimitExceeded)
                {
                    Append(MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, whole * sizeof(float))));
                }
                carried = available - whole * sizeof(float);
                buffer.AsSpan(whole * sizeof(float), carried).CopyTo(buffer);
            }
        }

        private void Append(ReadOnlySpan<float> samples)
        {
            if (Count + samples.Length > maxSamples)
            {
                // Keep draining so ffmpeg is not blocked on a full pipe while it is being killed.
                LimitExceeded = true;
                onLimit();
                return;
            }
            while (!samples.IsEmpty)
            {
                if (_inLast == ChunkSamples)
                {
                    _chunks.Add(new float[ChunkSamples]);
                    _inLast = 0;
                }
                int n = Math.Min(samples.Length, ChunkSamples - _inLast);
                samples[..n].CopyTo(_chunks[^1].AsSpan(_inLast));
                _inLast += n;
                Count += n;
                samples = samples[n..];
            }
        }

        public float[] ToArray()
        {
            var all = new float[Count];
            long offset = 0;
            for (int i = 0; i < _chunks.Count; i++)
            {
                int n = (int)Math.Min(ChunkSamples, Count - offset);
                var target = all.AsSpan((int)offset, n);
                _chunks[i].AsSpan(0, n).CopyTo(target);
                _chunks[i] = [];
                // Decoders can overshoot full scale slightly (MP3, AAC); the engine expects [-1, 1].
                foreach (ref float v in target)
                {
                    v = float.IsFinite(v) ? Math.Clamp(v, -1f, 1f) : 0f;
                }
                offset += n;
            }
            return all;
        }
    }
}
