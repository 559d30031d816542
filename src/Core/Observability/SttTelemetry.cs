using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SpeechToText.Core.Observability;

/// <summary>
/// The service's own traces and metrics, all under the name "SpeechToText". Instruments are static so any
/// component can record without plumbing; with no listener attached (telemetry not configured) starting a span
/// returns null and recording is a no-op, so the cost is a few field reads per request. Tags are bounded sets
/// only (configured model ids, backend kinds, containers, steps, outcomes), never file names, keys or text.
/// </summary>
public static class SttTelemetry
{
    public const string Name = "SpeechToText";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    // Speech work spans milliseconds (a short WAV decode) to many minutes (a long local run); the SDK's
    // default buckets stop at 10 000, which in seconds would hide everything in the low buckets.
    // Declared before the histograms: static fields initialise in order.
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    /// <summary>Seconds from routing a request to its result (decode, queue, inference or upstream, fallbacks).</summary>
    public static readonly Histogram<double> TranscriptionDuration = Seconds("stt.transcription.duration",
        "Time to transcribe one request, fallbacks included.");

    /// <summary>Seconds a local request waits for a free engine slot.</summary>
    public static readonly Histogram<double> QueueWait = Seconds("stt.engine.queue.wait", "Time waiting for a whisper.cpp slot.");

    /// <summary>Seconds spent turning an upload into 16 kHz mono PCM.</summary>
    public static readonly Histogram<double> DecodeDuration = Seconds("stt.audio.decode.duration", "Time to decode an upload to PCM.");

    /// <summary>Seconds inside whisper_full (the model's compute).</summary>
    public static readonly Histogram<double> InferenceDuration = Seconds("stt.engine.inference.duration", "Time in whisper_full.");

    /// <summary>Seconds of Silero voice activity detection before inference.</summary>
    public static readonly Histogram<double> VadDuration = Seconds("stt.engine.vad.duration", "Time in voice activity detection.");

    /// <summary>Seconds of one Azure OpenAI call, its retries included.</summary>
    public static readonly Histogram<double> UpstreamDuration = Seconds("stt.upstream.duration",
        "Time of one Azure OpenAI call, retries included.");

    /// <summary>Seconds of one blob-pipeline step (plan, transcribe_chunk, stitch).</summary>
    public static readonly Histogram<double> PipelineStepDuration = Seconds("stt.pipeline.step.duration", "Time of one pipeline step.");

    /// <summary>Audio seconds transcribed successfully, by the model and backend that answered.</summary>
    public static readonly Counter<double> AudioTranscribed = Meter.CreateCounter<double>("stt.audio.transcribed", "s",
        "Seconds of audio transcribed.");

    /// <summary>Backends tried for requests (the first choice and every fallback).</summary>
    public static readonly Counter<long> BackendSelected = Meter.CreateCounter<long>("stt.backend.selected", "{request}",
        "Backend chosen to serve a request.");

    /// <summary>Fallbacks taken after a model was throttled or down.</summary>
    public static readonly Counter<long> FallbackTaken = Meter.CreateCounter<long>("stt.fallback.taken", "{request}",
        "Fallbacks from a failing model to the next one.");

    /// <summary>Upstream attempts that failed transiently and were retried.</summary>
    public static readonly Counter<long> UpstreamRetries = Meter.CreateCounter<long>("stt.upstream.retries", "{retry}",
        "Retried Azure OpenAI attempts.");

    /// <summary>A span named <paramref name="spanName"/> (null when nobody listens) timed into <paramref name="histogram"/>.</summary>
    public static TimedOperation Start(string spanName, Histogram<double> histogram, ActivityKind kind = ActivityKind.Internal) =>
        new(Source.StartActivity(spanName, kind), histogram);

    private static Histogram<double> Seconds(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

}
