using System.Net;
using System.Text.Json;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>The fallback chain: a throttled or failing Azure deployment hands the request to the local engine.</summary>
[Collection(AzureBackendCollection.Name)]
public class AzureFallbackTests(AzureServerFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    [Theory]
    [InlineData("gpt-4o-fallback", 503, "json")]
    [InlineData("gpt-4o-fallback", 429, "json")]
    [InlineData("whisper-azure-fallback", 503, "verbose_json")]
    [InlineData("whisper-azure-fallback", 429, "srt")]
    public async Task Upstream_outage_falls_back_to_the_local_engine(string model, int upstreamStatus, string format)
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(upstreamStatus).Always());
        int logFrom = Host.Server.Logs.Length;

        using var response = await AzureCalls.TranscribeAsync(Host.Client, model, ("response_format", format));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("whisper.cpp", AzureCalls.Header(response, "x-stt-backend"));
        Assert.Equal(model, AzureCalls.Header(response, "x-stt-fallback-from"));
        if (format == "srt")
        {
            Assert.Matches(@"^1\n\d\d:\d\d:\d\d,\d{3} --> ", body);
        }
        else
        {
            using var doc = JsonDocument.Parse(body);
            // The local engine bills by duration, not tokens: the answer really came from it.
            Assert.Equal("duration", doc.RootElement.GetProperty("usage").GetProperty("type").GetString());
        }
        // The deployment was tried with its retries (MaxRetries = 2) before falling back.
        Assert.Equal(3, Host.Fake.Requests.Count);
        var line = await AzureCalls.LogLineAsync(Host.Server, logFrom, "falling back to whisper-1", model);
        Assert.Contains(upstreamStatus == 429 ? "429" : "502", line);
    }

    [Fact]
    public async Task Streaming_request_falls_back_before_any_event_was_sent()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(503).Always());
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-fallback", ("stream", "true"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("whisper.cpp", AzureCalls.Header(response, "x-stt-backend"));
        Assert.Equal("gpt-4o-fallback", AzureCalls.Header(response, "x-stt-fallback-from"));
        Assert.Contains("\"type\":\"transcript.text.done\"", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Equal(3, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Fallback_that_cannot_honour_the_request_is_skipped_and_the_original_error_returned()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(503).Always());
        int logFrom = Host.Server.Logs.Length;

        // Local whisper has no logprobs.
        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-fallback", ("include[]", "logprobs"));
        var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadGateway, null, "upstream_error");
        Assert.Contains(Host.Fake.Requests[^1].RequestId, error.GetProperty("message").GetString());
        Assert.Empty(AzureCalls.Header(response, "x-stt-fallback-from"));
        Assert.Equal(3, Host.Fake.Requests.Count);
        await AzureCalls.LogLineAsync(Host.Server, logFrom, "Fallback whisper-1", "gpt-4o-fallback", "skipped");
        Assert.DoesNotContain("falling back to", Host.Server.Logs[logFrom..]);
    }

    [Fact]
    public async Task Client_error_from_upstream_does_not_fall_back()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(AzureCalls.UpstreamClientError("Audio file might be corrupted or unsupported", "file", "invalid_value").Always());
        int logFrom = Host.Server.Logs.Length;

        using var response = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-fallback");
        var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadRequest, "file", "invalid_value");
        Assert.Contains("Audio file might be corrupted or unsupported", error.GetProperty("message").GetString());
        Assert.Empty(AzureCalls.Header(response, "x-stt-fallback-from"));
        Assert.Single(Host.Fake.Requests);
        await Task.Delay(200);
        Assert.DoesNotContain("falling back to", Host.Server.Logs[logFrom..]);
    }
}
