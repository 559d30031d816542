using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The pipeline's decoder: the same WAV fast path and sandboxed ffmpeg as the HTTP API, but with the pipeline's
/// own limits (Pipeline:MaxDurationHours, DecodeTimeout, MaxInputBytes) and temp folder instead of the API's.
/// </summary>
public sealed class PipelineDecoder
{
    private readonly IAudioDecoder _decoder;
    private readonly PipelineOptions _options;
    private readonly string _tempDirectory;

    public PipelineDecoder(IOptions<PipelineOptions> pipeline, IOptions<AudioOptions> audio, ILoggerFactory loggerFactory)
    {
        _options = pipeline.Value;
        var a = audio.Value;
        _tempDirectory = a.TempDirectory;
        var decodeOptions = Options.Create(new AudioOptions
        {
            FfmpegPath = a.FfmpegPath,
            TempDirectory = a.TempDirectory,
            MaxAudioDuration = _options.MaxDuration,
            DecodeTimeout = _options.DecodeTimeout,
        });
        _decoder = new AudioDecoder(new WavDecoder(decodeOptions), new FfmpegDecoder(decodeOptions, loggerFactory.CreateLogger<FfmpegDecoder>()), decodeOptions);
    }

    /// <summary>Reads <paramref name="stream"/> (spilled to the temp folder past 1 MiB) and decodes it to 16 kHz mono.</summary>
    public async Task<DecodedAudio> DecodeAsync(Stream stream, string name, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_tempDirectory);
        await using var upload = await AudioUpload.ReadAsync(stream, name, _options.MaxInputBytes, 1 << 20, _tempDirectory, cancellationToken)
            .ConfigureAwait(false);
        return await _decoder.DecodeAsync(upload, cancellationToken).ConfigureAwait(false);
    }
}
