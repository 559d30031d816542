using Microsoft.Extensions.Options;

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

    /// <summary>Where uploads that ffmpeg must seek in (MP4 with the index at the end) are written briefly.</summary>
    public string TempDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "stt-uploads");

    internal long MaxSamples => (long)Math.Floor(MaxAudioDuration.TotalSeconds * DecodedAudio.SampleRate);
}

/// <summary>Rejects settings that would make decoding fail on every request, at start rather than later.</summary>
internal sealed class AudioOptionsValidator : IValidateOptions<AudioOptions>
{
    // float[] holds at most Array.MaxLength samples: about 37 hours at 16 kHz.
    private static readonly TimeSpan LongestRepresentable = TimeSpan.FromSeconds(Array.MaxLength / (double)DecodedAudio.SampleRate);

    public ValidateOptionsResult Validate(string? name, AudioOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.FfmpegPath))
        {
            failures.Add("Audio:FfmpegPath must name the ffmpeg binary.");
        }
        if (options.DecodeTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Audio:DecodeTimeout must be positive (got {options.DecodeTimeout}).");
        }
        if (options.MaxAudioDuration < TimeSpan.FromSeconds(1) || options.MaxAudioDuration > LongestRepresentable)
        {
            failures.Add($"Audio:MaxAudioDuration must be between 1 s and {LongestRepresentable.TotalHours:0} h (got {options.MaxAudioDuration}).");
        }
        if (options.MaxConcurrentDecodes < 1)
        {
            failures.Add($"Audio:MaxConcurrentDecodes must be at least 1 (got {options.MaxConcurrentDecodes}).");
        }
        if (string.IsNullOrWhiteSpace(options.TempDirectory))
        {
            failures.Add("Audio:TempDirectory must name a folder.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
