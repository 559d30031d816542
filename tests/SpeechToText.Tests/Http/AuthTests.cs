using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SpeechToText.Core.Http;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

public class AuthTests
{
    private const string Key = "sk-test-4f9a1c2e-very-secret";

    [Fact]
    public async Task Keys_are_required_on_v1_compared_by_hash_and_never_logged()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Auth__Keys__0__Id"] = "team-a",
            ["Auth__Keys__0__Sha256"] = AuthOptions.HashKey(Key),
            ["Logging__LogLevel__Default"] = "Debug",
        });
        var client = server.Client;

        var anonymous = await client.GetAsync("v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var doc = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync()))
        {
            Assert.Equal("invalid_api_key", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        var wrong = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);

        // Health stays open for probes.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);

        var upload = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions")
        {
            Content = Multipart.Form(AudioSamples.Shared.Wav16kMonoS16),
        };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var ok = await client.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        // Azure-style clients send api-key.
        var azureStyle = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        azureStyle.Headers.Add("api-key", Key);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(azureStyle)).StatusCode);

        await Task.Delay(300); // let the console logger flush
        var logs = server.Logs;
        Assert.Contains("key=team-a", logs);
        Assert.DoesNotContain(Key, logs);
        Assert.DoesNotContain(Key[..12], logs);
    }

    [Fact]
    public async Task Without_keys_the_server_refuses_to_listen_beyond_loopback()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["HOST"] = "0.0.0.0",
        });
        await Task.Delay(300);
        Assert.Contains("loopback only", server.Logs);
        Assert.Contains("Listening on http://127.0.0.1:", server.Logs);
    }

    [Fact]
    public void Invalid_key_hash_fails_validation_at_start()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Keys = [new ApiKeyEntry { Sha256 = "not-a-hash" }] });
        Assert.True(result.Failed);
        Assert.Contains("Auth:Keys:0:Sha256", result.FailureMessage);
    }
}
