using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;
using static SpeechToText.Tests.Usage.UsageCalls;

namespace SpeechToText.Tests.Usage;

/// <summary>Per-key limits through the real server: the 429s, their headers, and the windows resetting.</summary>
public sealed class KeyLimitsTests
{
    private const string RpmKey = "sk-rpm-5b0c2d";
    private const string AudioKey = "sk-audio-9e1f7a";
    private const string OneAtATimeKey = "sk-one-3c6d8b";
    private const string DefaultKey = "sk-default-4a2e9f";

    /// <summary>Short windows (configuration, not a minute of sleeping); requests inside them are fast 400s or fake-Azure calls.</summary>
    private static Task<AzureTestHost> StartAsync() => AzureTestHost.StartAsync(
        [new AzureDeployment("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe)],
        Merge(Key(0, "rpm", RpmKey, false, ("RequestsPerMinute", "2")),
            Key(1, "audio", AudioKey, false, ("AudioSecondsPerDay", "1"), ("RequestsPerMinute", "1000")),
            Key(2, "one", OneAtATimeKey, false, ("MaxConcurrentRequests", "1"), ("RequestsPerMinute", "1000")),
            Key(3, "default", DefaultKey),
            new Dictionary<string, string?>
            {
                ["Auth__RequestsWindow"] = "00:00:06",
                ["Auth__AudioSecondsWindow"] = "00:00:06",
                ["Auth__DefaultLimits__RequestsPerMinute"] = "1",
                ["Usage__LocalDirectory"] = Path.Combine(Path.GetTempPath(), $"stt-usage-{Guid.NewGuid():N}"),
            }));

    [Fact]
    public async Task Requests_per_window_answer_429_with_retry_after_and_openai_headers_then_reset()
    {
        await using var host = await StartAsync();
        var first = await NotAudioAsync(host.Client, RpmKey);
        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode); // admitted: a refused request would be a 429
        var second = await NotAudioAsync(host.Client, RpmKey);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);

        var refused = await NotAudioAsync(host.Client, RpmKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = await AzureCalls.ErrorAsync(refused, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());
        Assert.Equal("2", Header(refused, "x-ratelimit-limit-requests"));
        Assert.Equal("0", Header(refused, "x-ratelimit-remaining-requests"));
        Assert.Matches(@"^\d+(ms|s)$", Header(refused, "x-ratelimit-reset-requests"));
        var retryAfter = int.Parse(Header(refused, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 6);

        // Another key is not affected; the default limit (1 per window) applies to a key without its own.
        Assert.Equal(HttpStatusCode.BadRequest, (await NotAudioAsync(host.Client, DefaultKey)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await NotAudioAsync(host.Client, DefaultKey)).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(retryAfter + 0.5));
        var again = await TranscribeAsync(host.Client, RpmKey);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("2", Header(again, "x-ratelimit-limit-requests"));
        Assert.Equal("1", Header(again, "x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task Audio_seconds_are_counted_after_decoding_and_refused_once_the_budget_is_used_until_it_resets()
    {
        await using var host = await StartAsync();
        // The first request is admitted with the budget untouched; its decoded seconds (more than the 1 s budget) are charged after.
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(host.Client, AudioKey, "gpt-4o-transcribe")).StatusCode);
        var refused = await TranscribeAsync(host.Client, AudioKey, "gpt-4o-transcribe");
        await AzureCalls.ErrorAsync(refused, HttpStatusCode.TooManyRequests, null, "audio_quota_exceeded");
        Assert.InRange(int.Parse(Header(refused, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture), 1, 6);
        // A request whose audio is never decoded costs nothing, but is still refused while the budget is spent.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await NotAudioAsync(host.Client, AudioKey)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage later;
        do
        {
            await Task.Delay(500);
            later = await TranscribeAsync(host.Client, AudioKey, "gpt-4o-transcribe");
        }
        while (later.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_count_from_the_start_of_the_upload()
    {
        await using var host = await StartAsync();
        var gate = new TaskCompletionSource();
        var slow = await SlowContent.FromAsync(Multipart.Form(AudioSamples.Shared.Wav16kMonoS16), gate.Task);
        var uploading = SendAsync(host.Client, OneAtATimeKey, "v1/audio/transcriptions", slow);
        await slow.HalfSent.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // the server has the headers and is reading the body

        var refused = await TranscribeAsync(host.Client, OneAtATimeKey);
        await AzureCalls.ErrorAsync(refused, HttpStatusCode.TooManyRequests, null, "concurrent_requests_exceeded");
        Assert.Equal("1", Header(refused, "Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(host.Client, DefaultKey)).StatusCode); // other keys are not held up

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await uploading).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(host.Client, OneAtATimeKey)).StatusCode);
    }
}
