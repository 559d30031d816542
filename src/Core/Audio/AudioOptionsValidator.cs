using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

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
