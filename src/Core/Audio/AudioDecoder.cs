using Microsoft.Extensions.Options;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>
/// The one way into decoding: sniff the content, decode PCM/float WAV in managed code and everything
/// else with ffmpeg, then apply the length rules every backend shares (at least 0.1 s, at most
/// <see cref="AudioOptions.MaxAudioDuration"/>).
/// </summary>
public sealed class AudioDecoder(WavDecoder wavDecoder, FfmpegDecoder ffmpegDecoder, IOptions<AudioOptions> options) : IAudioDecoder
{
    /// <summary>OpenAI rejects audio shorter than 0.1 s; so do we, with the same error.</summary>
    public const int MinimumSamples = DecodedAudio.SampleRate / 10;

    // An ID3 tag longer than this is not looked past; the file is taken for MP3.
    private const int MaxId3LookAhead = 1 << 20;

    private readonly AudioOptions _options = options.Value;

    private readonly SemaphoreSlim _decodes = new(options.Value.MaxConcurrentDecodes, options.Value.MaxConcurrentDecodes);

    private int _active;

    /// <summary>Decodes running now (at most <see cref="AudioOptions.MaxConcurrentDecodes"/>).</summary>
    public int ActiveDecodes => Volatile.Read(ref _active);

    public async Task<DecodedAudio> DecodeAsync(AudioUpload upload, CancellationToken cancellationToken)
    {
        if (upload.Length == 0)
        {
            throw ApiException.InvalidFileFormat("the file is empty");
        }
        var container = await SniffAsync(upload, cancellationToken).ConfigureAwait(false);
        if (container == AudioContainer.Unknown)
        {
            throw ApiException.InvalidFileFormat("the content is not audio in a supported container");
        }

        if (!await _decodes.WaitAsync(_options.DecodeTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw ApiException.Busy($"All {_options.MaxConcurrentDecodes} audio decoders stayed busy for {_options.DecodeTimeout.TotalSeconds:0} s; retry later.",
                TimeSpan.FromSeconds(5));
        }
        DecodedAudio audio;
        try
        {
            Interlocked.Increment(ref _active);
            using var operation = SttTelemetry.Start("stt.audio.decode", SttTelemetry.DecodeDuration)
                .Tag("container", container.ToString().ToLowerInvariant());
            audio = await operation.RunAsync(() => DecodeAsync(upload, container, operation, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            _decodes.Release();
        }
        if (audio.Samples.Length < MinimumSamples)
        {
            throw ApiException.AudioTooShort(audio.DurationSeconds);
        }
        if (audio.Samples.Length > _options.MaxSamples)
        {
            throw ApiException.AudioTooLong(_options.MaxAudioDuration);
        }
        return audio;
    }

    /// <summary>PCM/float WAV in managed code (path "wav"), everything else with ffmpeg (path "ffmpeg").</summary>
    private async Task<DecodedAudio> DecodeAsync(AudioUpload upload, AudioContainer container, TimedOperation operation,
        CancellationToken cancellationToken)
    {
        if (container == AudioContainer.Wav)
        {
            await using var stream = upload.OpenRead();
            var header = WavHeader.Read(stream);
            if (WavDecoder.CanDecode(header))
            {
                operation.Tag("path", "wav");
                return wavDecoder.Decode(stream, header);
            }
        }
        operation.Tag("path", "ffmpeg");
        return await ffmpegDecoder.DecodeAsync(upload, container, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sniffs the upload, looking past a leading ID3 tag when one is there.</summary>
    internal static async Task<AudioContainer> SniffAsync(AudioUpload upload, CancellationToken cancellationToken)
    {
        if (upload.TempFilePath is null)
        {
            return AudioSniffer.Detect(upload.InMemory!.Value.Span);
        }
        if (AudioSniffer.Id3TagLength(upload.Head) is int tagLength && tagLength <= MaxId3LookAhead)
        {
            var window = new byte[(int)Math.Min(upload.Length, tagLength + AudioSniffer.BytesAfterId3)];
            await using var stream = upload.OpenRead();
            int read = await stream.ReadAtLeastAsync(window, window.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return AudioSniffer.Detect(window.AsSpan(0, read));
        }
        return AudioSniffer.Detect(upload.Head);
    }
}
