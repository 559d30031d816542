using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Storage;

/// <summary>Start-time checks of <see cref="StorageOptions"/>: container names (whether the pipeline has the storage it needs is PipelineOptionsValidator's).</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[]
                 {
                     ("InputContainer", options.InputContainer), ("OutputContainer", options.OutputContainer),
                     ("JobsContainer", options.JobsContainer),
                 })
        {
            if (!IsValidName(value))
            {
                failures.Add($"Storage:{key} '{value}' is not a valid container name (3-63 lower-case letters, digits, hyphens).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidName(string? name) =>
        name is { Length: >= 3 and <= 63 } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]) && !name.Contains("--", StringComparison.Ordinal);
}
