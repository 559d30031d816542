using System.Net;
using System.Net.Http.Headers;
using SpeechToText.Core.Http;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

/// <summary>Cors:AllowedOrigins lets the listed pages (and only them) call the API from a browser.</summary>
public class CorsTests : IAsyncLifetime
{
    private const string Allowed = "https://app.example.com";
    private const string Key = "sk-cors-test-0b7d1e";

    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Whisper__ModelPath"] = TestModels.Test,
        ["Auth__Keys__0__Sha256"] = AuthOptions.HashKey(Key),
        ["Cors__AllowedOrigins__0"] = Allowed,
        ["Cors__AllowedOrigins__1"] = "http://localhost:5173",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static HttpRequestMessage Preflight(string origin, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "v1/audio/transcriptions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Fact]
    public async Task Preflight_from_a_listed_origin_grants_what_the_OpenAI_browser_SDK_sends_without_needing_a_key()
    {
        // The headers openai-node sends from a browser, plus Azure's api-key.
        string[] sent = ["authorization", "content-type", "api-key", "openai-organization", "openai-project", "x-stainless-os",
            "x-stainless-lang", "x-stainless-package-version", "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-arch",
            "x-stainless-retry-count", "x-stainless-timeout"];
        using var response = await _server.Client.SendAsync(Preflight(Allowed, string.Join(",", sent)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods").Split(','));
        var granted = Header(response, "Access-Control-Allow-Headers").Split(',').Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
        Assert.Superset(sent.ToHashSet(), granted);
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
        // Keys travel in headers, never cookies.
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com.evil.example")]
    public async Task Preflight_from_any_other_origin_gets_no_grant(string origin)
    {
        using var response = await _server.Client.SendAsync(Preflight(origin, "authorization,content-type"));
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Answers_and_errors_to_a_listed_origin_are_readable_with_the_service_headers_exposed()
    {
        using var call = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = Multipart.Form(AudioSamples.Shared.Wav16kMonoS16) };
        call.Headers.Add("Origin", Allowed);
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var ok = await _server.Client.SendAsync(call);

        using var unauthenticated = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = Multipart.Form(AudioSamples.Shared.Wav16kMonoS16) };
        unauthenticated.Headers.Add("Origin", Allowed);
        using var denied = await _server.Client.SendAsync(unauthenticated);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(Allowed, Header(ok, "Access-Control-Allow-Origin"));
        var exposed = Header(ok, "Access-Control-Expose-Headers").Split(',').Select(h => h.Trim()).ToList();
        Assert.Contains("x-stt-backend", exposed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Retry-After", exposed, StringComparer.OrdinalIgnoreCase);
        // The error envelope replaces the response, but the grant stays: the page can show the 401's message.
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(Allowed, Header(denied, "Access-Control-Allow-Origin"));
        Assert.Contains("invalid_api_key", await denied.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https://app.example.com/path")]
    [InlineData("app.example.com")]
    [InlineData("ftp://app.example.com")]
    public async Task An_entry_that_is_not_an_origin_stops_the_start(string entry)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Cors__AllowedOrigins__0"] = entry,
        }));
        Assert.Contains($"Cors:AllowedOrigins entry '{entry}' is not an origin", error.Message);
    }
}
