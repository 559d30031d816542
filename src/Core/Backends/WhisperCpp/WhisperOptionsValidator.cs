using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Rejects settings that cannot work, at start. A missing model file is not one: the engine reports it.</summary>
public sealed class WhisperOptionsValidator : IValidateOptions<WhisperOptions>
{
    public ValidateOptionsResult Validate(string? name, WhisperOptions options)
    {
        var failures = new List<string>();
        if (options.Slots is < 1 or > 64)
        {
            failures.Add($"Whisper:Slots must be between 1 and 64 (got {options.Slots}).");
        }
        if (options.ThreadsPerSlot is < 1 or > 256)
        {
            failures.Add($"Whisper:ThreadsPerSlot must be between 1 and 256 (got {options.ThreadsPerSlot}).");
        }
        if (options.QueueCapacity is < 0 or > 10_000)
        {
            failures.Add($"Whisper:QueueCapacity must be between 0 and 10000 (got {options.QueueCapacity}).");
        }
        if (options.CpuVariant is { Length: > 0 } variant && !variant.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            // It names a file in the native folder: a path or a pattern must not get there.
            failures.Add($"Whisper:CpuVariant must be a variant name such as 'haswell' or 'zen4' (got '{variant}').");
        }
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Whisper:RequestTimeout must be positive (got {options.RequestTimeout}).");
        }
        if (options.VadMinDurationSeconds < 0 || double.IsNaN(options.VadMinDurationSeconds))
        {
            failures.Add($"Whisper:VadMinDurationSeconds must be 0 or more (got {options.VadMinDurationSeconds}).");
        }
        if (options.VadThreshold is <= 0 or >= 1)
        {
            failures.Add($"Whisper:VadThreshold must be between 0 and 1 (got {options.VadThreshold}).");
        }
        if (options.VadMinSilenceMs < 0 || options.VadSpeechPadMs < 0)
        {
            failures.Add("Whisper:VadMinSilenceMs and Whisper:VadSpeechPadMs must be 0 or more.");
        }
        if (options.BestOf is < 1 or > 8)
        {
            failures.Add($"Whisper:BestOf must be between 1 and 8 (whisper.cpp's decoder limit; got {options.BestOf}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
