using System.Diagnostics;
using System.Diagnostics.Metrics;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Observability;

/// <summary>
/// One timed unit of work: a span (when traced) and a histogram record on dispose, both carrying the same
/// tags plus "outcome": success, client_error, server_error or cancelled. Work that ends without
/// <see cref="Succeed"/> or <see cref="Fail"/> (an exception passing through) counts as server_error.
/// </summary>
public sealed class TimedOperation : IDisposable
{
    private readonly Histogram<double> _histogram;
    private readonly long _started = Stopwatch.GetTimestamp();
    private TagList _tags;
    private string _outcome = "server_error";
    private bool _disposed;

    internal TimedOperation(Activity? activity, Histogram<double> histogram)
    {
        Activity = activity;
        _histogram = histogram;
    }

    public Activity? Activity { get; }

    public TimedOperation Tag(string key, string? value)
    {
        _tags.Add(key, value);
        Activity?.SetTag(key, value);
        return this;
    }

    public void Succeed() => _outcome = "success";

    /// <summary>The caller gave up (or a deadline passed) before the work finished.</summary>
    public void Cancel() => _outcome = "cancelled";

    /// <summary>Runs the work, marking this operation succeeded or failed by how it ends.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        try
        {
            var result = await work().ConfigureAwait(false);
            Succeed();
            return result;
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>Classifies the failure that ends this work (the caller rethrows it).</summary>
    public void Fail(Exception e)
    {
        (_outcome, var type) = e switch
        {
            ApiException { Status: < 500 } api => ("client_error", api.Code ?? api.Type),
            ApiException api => ("server_error", api.Code ?? api.Type),
            OperationCanceledException => ("cancelled", "cancelled"),
            _ => ("server_error", e.GetType().FullName),
        };
        Activity?.SetTag("error.type", type);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        var tags = _tags;
        tags.Add("outcome", _outcome);
        _histogram.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        if (Activity is { } activity)
        {
            activity.SetTag("outcome", _outcome);
            if (_outcome == "server_error")
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
            activity.Dispose();
        }
    }
}
