using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SpeechToText.Bench.Load;

/// <summary>
/// Closed-loop load: N clients, each posting the clip again as soon as its previous request ends, for a
/// fixed window. A 429 is honoured: the client waits what Retry-After says (or a short pause without one)
/// before trying again, so shed load is not hammered back. The server's RSS is sampled once a second.
/// </summary>
internal sealed class LoadDriver(HttpClient http, LoadTarget target, byte[] clip, string clipName, TimeSpan requestTimeout)
{
    /// <summary>Pause after a 429 without a usable Retry-After.</summary>
    internal static readonly TimeSpan DefaultBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Pause after a connection-level error (refused, reset, dropped): without it a server that refuses connections
    /// turns a client into a busy loop (tens of thousands of errors in seconds, seen against whisper-server) that
    /// takes a core from the server under test. Other errors (a status, a bad body) are retried at once as before.
    /// </summary>
    internal static readonly TimeSpan ConnectionErrorPause = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan RssInterval = TimeSpan.FromSeconds(1);

    /// <summary>One request, untimed: warm-up, and the transcript both servers are compared on.</summary>
    public async Task<string> WarmUpAsync()
    {
        var (outcome, detail, _, text, _) = await SendAsync().ConfigureAwait(false);
        return outcome == Outcome.Ok ? text! : throw new InvalidOperationException($"{target.Name} warm-up request failed: {detail}");
    }

    public async Task<LoadResult> RunAsync(int clients, TimeSpan window, string layout, double clipSeconds)
    {
        var clock = Stopwatch.StartNew();
        var samples = new List<LoadSample>();
        var rss = new List<RssSample>();
        double backoffSeconds = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = SampleRssAsync(clock, window, rss, stopSampling.Token);

        async Task ClientAsync()
        {
            while (clock.Elapsed < window)
            {
                var started = clock.Elapsed.TotalSeconds;
                var (outcome, detail, retryAfter, _, whisperMs) = await SendAsync().ConfigureAwait(false);
                lock (samples)
                {
                    samples.Add(new LoadSample(started, clock.Elapsed.TotalSeconds, outcome, detail, whisperMs));
                }
                if (outcome == Outcome.Error && detail?.StartsWith("connection", StringComparison.Ordinal) == true
                    && window - clock.Elapsed is var left && left > TimeSpan.Zero)
                {
                    await Task.Delay(left < ConnectionErrorPause ? left : ConnectionErrorPause).ConfigureAwait(false);
                }
                if (outcome == Outcome.Busy)
                {
                    // Never past the window: a client waiting out a long Retry-After would only idle.
                    var pause = TimeSpan.FromTicks(Math.Min((retryAfter ?? DefaultBackoff).Ticks, (window - clock.Elapsed).Ticks));
                    if (pause > TimeSpan.Zero)
                    {
                        await Task.Delay(pause).ConfigureAwait(false);
                        lock (samples)
                        {
                            backoffSeconds += pause.TotalSeconds;
                        }
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync))).ConfigureAwait(false);
        await stopSampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        return new LoadResult
        {
            Server = target.Name,
            Layout = layout,
            Clients = clients,
            WindowSeconds = window.TotalSeconds,
            ClipSeconds = clipSeconds,
            Samples = [.. samples.OrderBy(s => s.StartSeconds)],
            Rss = rss,
            PeakRssKiB = ProcStatus.PeakRssKiB(target.Pid),
            BackoffSeconds = backoffSeconds,
        };
    }

    /// <summary>RSS once a second while the window is open (and once more as it closes).</summary>
    private async Task SampleRssAsync(Stopwatch clock, TimeSpan window, List<RssSample> rss, CancellationToken stop)
    {
        while (clock.Elapsed <= window && !stop.IsCancellationRequested)
        {
            if (ProcStatus.RssKiB(target.Pid) is { } kib)
            {
                rss.Add(new RssSample(clock.Elapsed.TotalSeconds, kib));
            }
            try
            {
                var next = RssInterval < window - clock.Elapsed ? RssInterval : window - clock.Elapsed;
                await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.FromMilliseconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(Outcome Outcome, string? Detail, TimeSpan? RetryAfter, string? Text, double? WhisperMs)> SendAsync()
    {
        using var timeout = new CancellationTokenSource(requestTimeout);
        try
        {
            using var form = target.Form(clip, clipName);
            using var response = await http.PostAsync(target.Endpoint, form, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (Outcome.Busy, null, response.Headers.RetryAfter?.Delta, null, null);
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (Outcome.Error, $"HTTP {(int)response.StatusCode}", null, null, null);
            }
            return TranscriptOf(body) is { } text
                ? (Outcome.Ok, null, null, text, WhisperMs(response))
                : (Outcome.Error, "200 without a transcript", null, null, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (Outcome.Error, $"no answer within {requestTimeout.TotalSeconds:0} s", null, null, null);
        }
        catch (HttpRequestException e)
        {
            return (Outcome.Error, $"connection: {e.HttpRequestError}", null, null, null);
        }
        catch (IOException)
        {
            return (Outcome.Error, "connection: dropped while reading", null, null, null);
        }
    }

    /// <summary>The "text" of a JSON transcript (both servers answer {"text": ...}), or null when the body is not one.</summary>
    internal static string? TranscriptOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? WhisperMs(HttpResponseMessage response) =>
        response.Headers.Contains("Server-Timing") ? ServerProcess.ParseServerTiming(response.Headers).Whisper : null;
}
