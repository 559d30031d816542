using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>
/// Retries for upstream calls (Polly.Core): 408, 429, 5xx and connection failures are retried with
/// exponential backoff and jitter, honouring Retry-After; 4xx client errors never are. Retries stop at the
/// configured count, or when the next attempt could not finish before the call's deadline (its wait plus the time the
/// last attempt took would pass it); the last answer is then returned, so the caller sees the upstream's own error
/// rather than a timeout of an attempt that was bound to be cut short.
/// </summary>
internal sealed class UpstreamResilience
{
    private readonly AzureOpenAIOptions _options;
    private readonly ILogger _logger;

    public UpstreamResilience(AzureOpenAIOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    public static bool IsTransientStatus(int status) => status is 408 or 429 or >= 500;

    /// <summary>Runs a buffered call; returns the final response (success or the last error).</summary>
    public async Task<PipelineResponse> ExecuteAsync(UpstreamCall call, Func<CancellationToken, ValueTask<PipelineResponse>> attempt)
    {
        var pipeline = Build<PipelineResponse>(call, r => r);
        try
        {
            return await pipeline.ExecuteAsync(attempt, call.Deadline).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e, call))
        {
            throw Unreachable(call, e);
        }
    }

    /// <summary>Sends a streamed (unbuffered) message, retrying until response headers arrive.</summary>
    public async Task<PipelineMessage> ExecuteMessageAsync(UpstreamCall call, Func<CancellationToken, PipelineMessage> create)
    {
        var pipeline = Build<PipelineMessage>(call, m => m.Response!);
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                var message = create(token);
                try
                {
                    await call.Client.Pipeline.SendAsync(message).ConfigureAwait(false);
                    return message;
                }
                catch
                {
                    message.Dispose();
                    throw;
                }
            }, call.Deadline).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e, call))
        {
            throw Unreachable(call, e);
        }
    }

    private ResiliencePipeline<T> Build<T>(UpstreamCall call, Func<T, PipelineResponse> responseOf)
    {
        if (_options.MaxRetries == 0)
        {
            return ResiliencePipeline<T>.Empty;
        }
        var started = DateTime.UtcNow;
        var attemptStarted = started;
        return new ResiliencePipelineBuilder<T>().AddRetry(new RetryStrategyOptions<T>
        {
            MaxRetryAttempts = _options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryBaseDelay,
            MaxDelay = _options.RetryMaxDelay,
            ShouldHandle = args =>
            {
                if (args.Outcome.Exception is { } e)
                {
                    return ValueTask.FromResult(IsConnectionFailure(e, call));
                }
                var response = responseOf(args.Outcome.Result!);
                if (!IsTransientStatus(response.Status))
                {
                    return ValueTask.FromResult(false);
                }
                // A Retry-After beyond our longest wait ends the retries: the client gets it. So does a next attempt
                // that, judged by the last one, would still be running at the deadline.
                var retryAfter = UpstreamErrors.RetryAfter(response);
                if (retryAfter > _options.RetryMaxDelay)
                {
                    return ValueTask.FromResult(false);
                }
                var now = DateTime.UtcNow;
                var remaining = call.Options.Timeout - (now - started);
                var lastAttempt = now - attemptStarted;
                return ValueTask.FromResult((retryAfter ?? TimeSpan.Zero) + lastAttempt < remaining);
            },
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result is { } r ? UpstreamErrors.RetryAfter(responseOf(r)) : null),
            OnRetry = args =>
            {
                attemptStarted = DateTime.UtcNow + args.RetryDelay;
                string why = args.Outcome.Exception is { } e ? e.GetType().Name
                    : $"status {responseOf(args.Outcome.Result!).Status} ({UpstreamErrors.RequestIdText(responseOf(args.Outcome.Result!))})";
                _logger.LogWarning("Azure OpenAI deployment {Deployment}: attempt {Attempt} failed with {Why}; retrying in {Delay:0} ms",
                    call.Options.DeploymentName, args.AttemptNumber + 1, why, args.RetryDelay.TotalMilliseconds);
                SttTelemetry.UpstreamRetries.Add(1, new KeyValuePair<string, object?>("model", call.Options.Id));
                if (args.Outcome.Result is PipelineMessage m)
                {
                    m.Dispose();
                }
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>Connection refused/reset, DNS failure, a dropped connection or a network timeout: not the caller's cancellation.</summary>
    private static bool IsConnectionFailure(Exception e, UpstreamCall call) =>
        !call.Caller.IsCancellationRequested && !call.Deadline.IsCancellationRequested && e switch
        {
            ClientResultException { Status: 0 } => true,
            HttpRequestException or IOException or TimeoutException => true,
            OperationCanceledException => true,
            _ => false,
        };

    /// <summary>
    /// The client learns that the deployment is unreachable, not where it lives: the exception's message names the
    /// upstream host and port, so it goes to the log only.
    /// </summary>
    private ApiException Unreachable(UpstreamCall call, Exception e)
    {
        _logger.LogWarning("Azure OpenAI deployment {Deployment} could not be reached: {Error}", call.Options.DeploymentName, e.Message);
        return ApiException.Unavailable($"Azure OpenAI deployment '{call.Options.DeploymentName}' could not be reached ({e.GetType().Name}).",
            "upstream_unreachable", type: ApiException.ServerError, inner: e);
    }
}
