using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SpeechToText.Core.Observability;

namespace SpeechToText.Tests.Observability;

/// <summary>One measurement of an instrument of the service's meter, with its tags.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    public string? this[string tag] => Tags.GetValueOrDefault(tag);
}

/// <summary>
/// Listens to the service's ActivitySource and Meter in this process, keeping only what belongs to one test: it
/// opens a root span, and spans and measurements count only when recorded inside that trace (measurements are
/// recorded synchronously, so Activity.Current at the callback tells whose they are). Tests running in parallel in
/// the same process therefore do not leak into each other's captures.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private const string TestSourceName = "SpeechToText.Tests";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly Activity _root;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public TelemetryCapture()
    {
        _activities = new ActivityListener
        {
            // By name: comparing with TestSource here could create it mid-registration, unheard.
            ShouldListenTo = s => s.Name is SttTelemetry.Name or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == _root?.TraceId && a != _root)
                {
                    _spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
        // Becomes Activity.Current for the rest of the calling test method (it flows with the async context).
        _root = TestSource.StartActivity("test")!;

        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SttTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _meters.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _meters.Start();
    }

    public ActivitySpanId RootSpanId => _root.SpanId;

    public IReadOnlyList<Activity> Spans => [.. _spans];

    public IReadOnlyList<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToList();

    public Activity Span(string name) => Assert.Single(Spans, s => s.OperationName == name);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Activity.Current?.TraceId != _root.TraceId)
        {
            return;
        }
        var copy = new Dictionary<string, string?>();
        foreach (var (key, v) in tags)
        {
            copy[key] = v?.ToString();
        }
        _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _root.Dispose();
        _activities.Dispose();
    }
}
