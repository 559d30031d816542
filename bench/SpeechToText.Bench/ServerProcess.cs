using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SpeechToText.Bench;

/// <summary>One request's outcome as the client saw it, plus what the engine said it spent.</summary>
internal sealed record ServerSample(double EndToEndMs, double WhisperMs, double VadMs, string Text)
{
    /// <summary>Latency the service adds around the engine: upload, parsing, decoding, queueing, response.</summary>
    public double OverheadMs => EndToEndMs - WhisperMs - VadMs;
}

/// <summary>
/// The real server (SpeechToText.Server.dll) in its own process on a loopback port, configured through
/// environment variables like an operator would. Its output goes to a log file.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private ServerProcess(ChildProcess process, HttpClient http)
    {
        _process = process;
        _http = http;
    }

    public int Pid => _process.Pid;

    public Uri BaseAddress => _http.BaseAddress!;

    public static async Task<ServerProcess> StartAsync(string serverDll, int port, IReadOnlyDictionary<string, string> settings,
        string logPath, TimeSpan loadTimeout)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(serverDll)! };
        start.ArgumentList.Add(serverDll);
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Per-request information logs would be part of the measured overhead; keep the defaults of production.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = ChildProcess.Start(start, logPath);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(15) };
        var server = new ServerProcess(process, http);
        try
        {
            await server.WaitForModelAsync(loadTimeout).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    private async Task WaitForModelAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode} before it was ready (see its log)");
            }
            try
            {
                using var health = await _http.GetAsync("health").ConfigureAwait(false);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    using var doc = JsonDocument.Parse(await health.Content.ReadAsStringAsync().ConfigureAwait(false));
                    if (doc.RootElement.TryGetProperty("local_model", out var model) && model.GetProperty("loaded").GetBoolean())
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"the server did not load its model within {timeout.TotalSeconds:0} s");
    }

    /// <summary>POST /v1/audio/transcriptions with the file already in memory; times request start to last body byte.</summary>
    public async Task<ServerSample> TranscribeAsync(byte[] audio, string fileName, string contentType)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        form.Add(new StringContent("whisper-1"), "model");
        form.Add(new StringContent("en"), "language");
        form.Add(new StringContent("json"), "response_format");

        var watch = Stopwatch.StartNew();
        using var response = await _http.PostAsync("v1/audio/transcriptions", form).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"transcription failed: {(int)response.StatusCode} {body}");
        }
        var (vad, whisper) = ParseServerTiming(response.Headers);
        using var doc = JsonDocument.Parse(body);
        return new ServerSample(elapsed, whisper, vad, doc.RootElement.GetProperty("text").GetString() ?? "");
    }

    /// <summary>Reads "vad;dur=X, whisper;dur=Y" from the Server-Timing header the service adds to local results.</summary>
    internal static (double Vad, double Whisper) ParseServerTiming(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("Server-Timing", out var values))
        {
            throw new InvalidOperationException("the response has no Server-Timing header (an older server build?)");
        }
        double vad = 0, whisper = double.NaN;
        foreach (var metric in string.Join(',', values).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = metric.Split(';', StringSplitOptions.TrimEntries);
            var duration = parts.Skip(1).FirstOrDefault(p => p.StartsWith("dur=", StringComparison.Ordinal));
            if (duration is null)
            {
                continue;
            }
            var ms = double.Parse(duration[4..], CultureInfo.InvariantCulture);
            if (parts[0] == "vad")
            {
                vad = ms;
            }
            else if (parts[0] == "whisper")
            {
                whisper = ms;
            }
        }
        return (vad, whisper);
    }

    public long? PeakRssKiB() => ProcStatus.PeakRssKiB(_process.Pid);

    /// <summary>A GET against the server (the pipeline bench polls the job status endpoint).</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
