
namespace SpeechToText.Core.Transcription;

/// <summary>
/// An uploaded audio file, read once from the request and replayable: small uploads stay in memory,
/// larger ones spill to a temp file that is deleted on dispose (and by the OS-level DeleteOnClose
/// option if the process dies first). Retries and fallbacks re-read it with <see cref="OpenRead"/>.
/// </summary>
public sealed class AudioUpload : IAsyncDisposable, IDisposable
{
    private readonly byte[]? _memory;
    private readonly FileStream? _spill;

    private AudioUpload(string fileName, long length, byte[]? memory, FileStream? spill)
    {
        FileName = fileName;
        Length = length;
        _memory = memory;
        _spill = spill;
    }

    /// <summary>The client's file name; informational only: the format is sniffed from content.</summary>
    public string FileName { get; }

    public long Length { get; }

    /// <summary>Path of the spilled temp file, or null when the upload is held in memory.</summary>
    public string? TempFilePath => _spill?.Name;

    /// <summary>The first bytes of the file (up to 64), for format sniffing.</summary>
    public ReadOnlySpan<byte> Head => _memory is not null ? _memory.AsSpan(0, (int)Math.Min(64, Length)) : _head;

    private byte[] _head = [];

    /// <summary>A fresh read-only stream over the whole upload; callers dispose it.</summary>
    public Stream OpenRead()
    {
        if (_memory is not null)
        {
            return new MemoryStream(_memory, 0, (int)Length, writable: false);
        }
        // A second handle on the same file: FileShare.ReadWrite|Delete because the owning handle holds it open.
        return new FileStream(_spill!.Name, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.SequentialScan,
        });
    }

    /// <summary>The bytes when the upload is small enough to be in memory; otherwise null.</summary>
    // The cast matters: without it the null converts through byte[] to an empty, non-null memory.
    public ReadOnlyMemory<byte>? InMemory => _memory is null ? (ReadOnlyMemory<byte>?)null : _memory.AsMemory(0, (int)Length);

    public static AudioUpload FromBytes(string fileName, byte[] bytes) => new(fileName, bytes.Length, bytes, null);

    /// <summary>
    /// Copies <paramref name="source"/> until its end, keeping up to <paramref name="memoryThreshold"/>
    /// bytes in memory and spilling the rest to a temp file in <paramref name="tempDirectory"/>.
    /// Throws <see cref="UploadTooLargeException"/> as soon as more than <paramref name="maxBytes"/>
    /// arrive; nothing beyond that limit is ever buffered.
    /// </summary>
    public static async Task<AudioUpload> ReadAsync(Stream source, string fileName, long maxBytes, int memoryThreshold,
        string tempDirectory, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(memoryThreshold, 81920) is var n && n > 0 ? n : 81920];
        var memory = new MemoryStream();
        FileStream? spill = null;
        long total = 0;
        try
        {
            while (true)
            {
                int read = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                total += read;
                if (total > maxBytes)
                {
                    throw new UploadTooLargeException(maxBytes);
                }
                if (spill is null && total > memoryThreshold)
                {
                    spill = PrivateTempFile.Create(tempDirectory, $"upload-{Guid.NewGuid():N}.bin");
                    memory.Position = 0;
                    await memory.CopyToAsync(spill, ct).ConfigureAwait(false);
                    memory = null!;
                }
                if (spill is not null)
                {
                    await spill.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                else
                {
                    memory.Write(buffer, 0, read);
                }
            }
            if (spill is null)
            {
                return new AudioUpload(fileName, total, memory.GetBuffer(), null);
            }
            await spill.FlushAsync(ct).ConfigureAwait(false);
            var head = new byte[Math.Min(64, total)];
            spill.Position = 0;
            await spill.ReadExactlyAsync(head, ct).ConfigureAwait(false);
            return new AudioUpload(fileName, total, null, spill) { _head = head };
        }
        catch
        {
            if (spill is not null)
            {
                await spill.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    public void Dispose() => _spill?.Dispose();

    public ValueTask DisposeAsync() => _spill?.DisposeAsync() ?? ValueTask.CompletedTask;
}
