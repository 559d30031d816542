using System.Globalization;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Configuration;

/// <summary>
/// What a start-time options check found, one message per setting that names its key (as in appsettings.json) and
/// the value it got. Every options class has one <c>IValidateOptions</c> validator built on this.
/// </summary>
internal sealed class OptionFailures(string section)
{
    private readonly List<string> _failures = [];

    public void Add(string message) => _failures.Add(message);

    /// <summary>Fails <paramref name="key"/> unless <paramref name="min"/> ≤ value ≤ <paramref name="max"/>.</summary>
    public void Range<T>(string key, T value, T min, T max) where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            _failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:{key} must be between {min} and {max} (got {value})."));
        }
    }

    /// <summary>Fails <paramref name="key"/> when it is empty.</summary>
    public void Required(string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _failures.Add($"{section}:{key} must be set.");
        }
    }

    public ValidateOptionsResult Result() => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
