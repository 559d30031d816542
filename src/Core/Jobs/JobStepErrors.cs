using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>How a step's exception is classified, and what its failure details say once it has crossed into the orchestrator.</summary>
public static partial class JobStepErrors
{
    /// <summary>The step's exception as one of the two kinds the orchestrator knows. Unknown exceptions count as transient (bounded by MaxAttempts).</summary>
    public static Exception Classify(Exception e) => e switch
    {
        TransientJobStepException or PermanentJobStepException => e,
        ApiException { Status: StatusCodes.Status408RequestTimeout or StatusCodes.Status429TooManyRequests or >= StatusCodes.Status500InternalServerError } api => new TransientJobStepException(Describe(api), api.RetryAfter, e),
        ApiException api => new PermanentJobStepException(Describe(api), e),
        RequestFailedException { Status: 404 } storage => new PermanentJobStepException($"storage: {storage.ErrorCode ?? "404"} {FirstLine(storage.Message)}", e),
        RequestFailedException storage => new TransientJobStepException($"storage: {storage.Status} {storage.ErrorCode} {FirstLine(storage.Message)}", null, e),
        _ => new TransientJobStepException($"{e.GetType().Name}: {FirstLine(e.Message)}", null, e),
    };

    /// <summary>Whether a failure reported to the orchestrator is permanent (no retry).</summary>
    public static bool IsPermanent(TaskFailureDetails failure) => failure.IsCausedBy<PermanentJobStepException>();

    /// <summary>The wait a transient failure named, if any.</summary>
    public static TimeSpan? RetryAfter(TaskFailureDetails failure) =>
        RetryAfterText().Match(failure.ErrorMessage) is { Success: true } m
            ? TimeSpan.FromSeconds(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            : null;

    private static string Describe(ApiException e) => $"{e.Status} {e.Code}: {e.Message}";

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"\(retry after (\d+) s\)$")]
    private static partial Regex RetryAfterText();
}
