using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.DurableTask;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// A step of a job failed in a way worth trying again (the engine busy, storage down, an upstream 429/5xx or
/// timeout). The message ends with "(retry after N s)" when the backend named a wait: that text is how the wait
/// reaches the retry handler, because a failure crosses the Durable Task boundary as its type name and message.
/// </summary>
public sealed class TransientJobStepException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(retryAfter is { } wait ? $"{message} (retry after {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s)" : message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
