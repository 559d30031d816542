using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>Limits and paths for decoding uploads (configuration section <c>Audio</c>).</summary>
public sealed class AudioOptions
{
    public const string SectionName = "Audio";

    /// <summary>Configuration key (usually an environment variable) that overrides <see cref="FfmpegPath"/>.</summary>
    public const string FfmpegPathOverrideKey = "FFMPEG_PATH";

    /// <summary>The ffmpeg binary; by default the minimal build bundled at <c>native/ffmpeg</c> next to the app.</summary>
    public string FfmpegPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "native", "ffmpeg");

    /// <summary>How long one ffmpeg decode may run before it is killed and the request fails with <c>decode_timeout</c>.</summary>
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The longest decoded audio accepted. 25 MiB of low-bitrate Opus can hold many hours, and every
    /// hour costs about 230 MB as 16 kHz float samples, so this bounds memory per request.
    /// </summary>
    public TimeSpan MaxAudioDuration { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Decodes that may run at once in this process; more wait (up to <see cref="DecodeTimeout"/>, then 429).
    /// With <see cref="MaxAudioDuration"/> this bounds the memory decoding can hold: a decode may collect up to
    /// its whole duration of samples before it learns the audio is too long.
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// The service's one temp folder (created on demand, files mode 0600 and deleted when done): uploads past
    /// Api:MemoryThresholdBytes, the pipeline's downloaded inputs, and uploads ffmpeg must seek in (MP4 with the
    /// index at the end).
    /// </summary>
    public string TempDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "stt-temp");

    internal long MaxSamples => (long)Math.Floor(MaxAudioDuration.TotalSeconds * DecodedAudio.SampleRate);
}
