using Microsoft.DurableTask;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// The retry handler every step of a job runs under. Permanent failures are not retried; transient ones are,
/// up to <see cref="JobRunSettings.MaxAttempts"/> attempts, after an exponential backoff that is never shorter
/// than the Retry-After the backend sent. The wait is a durable timer, so it survives a restart and replays
/// exactly. The backoff has no jitter: jitter needs randomness, which an orchestrator may not draw.
/// </summary>
public sealed class JobRetryPolicy(JobRunSettings run)
{
    /// <summary>Attempts of the step that used <see cref="Options"/> last; deterministic under replay like everything the handler sees.</summary>
    public int Attempts { get; private set; } = 1;

    public TaskOptions Options() => TaskOptions.FromRetryHandler(async retry =>
    {
        Attempts = retry.LastAttemptNumber;
        if (JobStepErrors.IsPermanent(retry.LastFailure) || retry.LastAttemptNumber >= run.MaxAttempts)
        {
            return false;
        }
        await retry.OrchestrationContext.CreateTimer(Delay(retry.LastAttemptNumber, JobStepErrors.RetryAfter(retry.LastFailure)), retry.CancellationToken);
        Attempts = retry.LastAttemptNumber + 1;
        return true;
    });

    /// <summary>Wait before attempt <paramref name="failedAttempt"/> + 1: base × 2^(n-1), capped, but never under <paramref name="retryAfter"/>.</summary>
    public TimeSpan Delay(int failedAttempt, TimeSpan? retryAfter)
    {
        var exponential = run.RetryBaseDelay * Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 20));
        var delay = exponential > run.RetryMaxDelay ? run.RetryMaxDelay : exponential;
        return retryAfter > delay ? retryAfter.Value : delay;
    }
}
