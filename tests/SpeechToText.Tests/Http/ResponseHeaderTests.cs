using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

/// <summary>What every answer of the default server says about itself, and what it does not.</summary>
[Collection(LocalServerCollection.Name)]
public class ResponseHeaderTests(LocalServerFixture fixture)
{
    private const string Page = "https://app.example.com";

    private HttpClient Client => fixture.Client;

    private static HttpRequestMessage Transcription(params (string, string)[] fields) =>
        new(HttpMethod.Post, "v1/audio/transcriptions") { Content = Multipart.Form(AudioSamples.Shared.Wav16kMonoS16, "whisper-1", fields) };

    public static TheoryData<string> Answers => ["models", "health", "transcription", "stream", "unknown route", "wrong method", "bad request"];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_is_nosniff_and_no_store_and_names_no_server_software(string answer)
    {
        using var request = answer switch
        {
            "models" => new HttpRequestMessage(HttpMethod.Get, "v1/models"),
            "health" => new HttpRequestMessage(HttpMethod.Get, "health"),
            "transcription" => Transcription(),
            "stream" => Transcription(("stream", "true")),
            "unknown route" => new HttpRequestMessage(HttpMethod.Get, "v1/nothing-here"),
            "wrong method" => new HttpRequestMessage(HttpMethod.Delete, "v1/audio/transcriptions"),
            _ => Transcription(("temperature", "hot")),
        };
        using var response = await Client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(answer switch
        {
            "unknown route" => HttpStatusCode.NotFound,
            "wrong method" => HttpStatusCode.MethodNotAllowed,
            "bad request" => HttpStatusCode.BadRequest,
            _ => HttpStatusCode.OK,
        }, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Fact]
    public async Task Without_configured_origins_browsers_get_no_cors_grant()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "v1/audio/transcriptions");
        preflight.Headers.Add("Origin", Page);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var preflightResponse = await Client.SendAsync(preflight);

        using var call = Transcription();
        call.Headers.Add("Origin", Page);
        using var callResponse = await Client.SendAsync(call);

        Assert.False(preflightResponse.IsSuccessStatusCode, $"preflight answered {preflightResponse.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, callResponse.StatusCode);
        foreach (var response in new[] { preflightResponse, callResponse })
        {
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }
}
