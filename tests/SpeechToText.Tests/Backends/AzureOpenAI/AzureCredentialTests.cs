using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Core.Backends.AzureOpenAI;
using SpeechToText.Core.Http;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;
using SpeechToText.Tests.Jobs;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>How the service authenticates to Azure OpenAI, and that its credentials never reach a log.</summary>
public class AzureCredentialTests
{
    /// <summary>Stands in for managed identity: hands out a fixed token and notes the scopes asked for.</summary>
    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private const string GoodToken = "entra-token-2c9d41";

    private static async Task<(HttpResponseMessage Response, FakeAzureOpenAIServer Fake)> TranscribeWithTokenAsync(FixedTokenCredential credential)
    {
        var fake = await FakeAzureOpenAIServer.StartAsync(new FakeAzureOptions
        {
            BearerToken = GoodToken,
            Deployments = { ["aoai-4o"] = FakeDeploymentKind.Gpt4oTranscribe },
        });
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Whisper:ModelPath", TestModels.Test);
            var settings = AzureTestHost.Settings(fake.Endpoint.ToString().TrimEnd('/'),
                [new("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { ApiKey = "" }], ":");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureServices(services => services.AddSingleton<TokenCredential>(credential));
        });
        var response = await AzureCalls.TranscribeAsync(host.CreateClient(), "gpt-4o-transcribe");
        await response.Content.LoadIntoBufferAsync();
        return (response, fake);
    }

    [Fact]
    public async Task Without_an_api_key_the_service_sends_an_entra_id_bearer_token()
    {
        var credential = new FixedTokenCredential(GoodToken);
        var (response, fake) = await TranscribeWithTokenAsync(credential);
        await using (fake)
        using (response)
        {
            Assert.Equal("Hello from aoai-4o. This is a fake transcript.", (await AzureCalls.JsonAsync(response)).GetProperty("text").GetString());
            var sent = Assert.Single(fake.Requests);
            Assert.Equal("Bearer " + GoodToken, sent.Headers["Authorization"]);
            Assert.False(sent.Headers.ContainsKey("api-key"));
            Assert.Equal([AzureOpenAIBackend.TokenScope], credential.Scopes.Distinct());
        }
    }

    [Fact]
    public async Task A_token_azure_rejects_is_502_upstream_auth_failed_not_401()
    {
        var (response, fake) = await TranscribeWithTokenAsync(new FixedTokenCredential("expired-token"));
        await using (fake)
        using (response)
        {
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadGateway, null, "upstream_auth_failed");
            Assert.Contains(fake.Requests[^1].RequestId, error.GetProperty("message").GetString());
            // Our credential is wrong, retrying will not fix it.
            Assert.Single(fake.Requests);
        }
    }

    [Fact]
    public async Task Keys_hashes_tokens_and_the_storage_account_key_never_reach_the_log_even_at_trace_level()
    {
        const string upstreamKey = "upstream-secret-a91f27e4c0";
        const string wrongUpstreamKey = "upstream-secret-wrong-5d13b8";
        const string clientKey = "client-secret-7e02c4aa9b";
        const string otherClientKey = "client-secret-unknown-33f1d0";
        int closedStorage = ClosedPort.Reserve();
        await using var host = await AzureTestHost.StartAsync(
            [
                new("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { ApiKey = upstreamKey },
                new("gpt-4o-badkey", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { ApiKey = wrongUpstreamKey },
            ],
            new Dictionary<string, string?>
            {
                ["Auth__Keys__0__Sha256"] = AuthOptions.HashKey(clientKey),
                // Storage that refuses connections: the job status API then fails, and its failure is logged.
                ["Storage__ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteFixture.DevKey};" +
                    $"BlobEndpoint=http://127.0.0.1:{closedStorage}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closedStorage}/devstoreaccount1;",
                ["Logging__LogLevel__Default"] = "Trace",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            },
            new FakeAzureOptions { ApiKey = upstreamKey, Deployments = { ["aoai-4o"] = FakeDeploymentKind.Gpt4oTranscribe } });

        async Task<HttpStatusCode> CallAsync(string? bearer, string model, string query = "", string? apiKeyHeader = null, params (string, string)[] fields)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions" + query)
            {
                Content = Multipart.Form(AzureCalls.Upload, AzureCalls.UploadName, model, fields),
            };
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }
            if (apiKeyHeader is not null)
            {
                request.Headers.Add("api-key", apiKeyHeader);
            }
            using var response = await host.Client.SendAsync(request);
            await response.Content.ReadAsStringAsync();
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await CallAsync(clientKey, "gpt-4o-transcribe", fields: ("prompt", "hello")));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(clientKey, "gpt-4o-transcribe", fields: ("stream", "true")));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(null, "gpt-4o-transcribe", apiKeyHeader: clientKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(otherClientKey, "gpt-4o-transcribe"));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(null, "gpt-4o-transcribe", apiKeyHeader: otherClientKey));
        // Keys are not accepted in the query string, but a client may still put one there.
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(null, "gpt-4o-transcribe", query: $"?api-key={clientKey}"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(clientKey, "gpt-4o-transcribe", query: $"?api-key={otherClientKey}"));
        // Upstream 401 (our wrong key), then upstream 500s: retried and recovered, then retried and given up.
        Assert.Equal(HttpStatusCode.BadGateway, await CallAsync(clientKey, "gpt-4o-badkey"));
        host.Fake.Enqueue(FakeResponse.Status(500).Times(2));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(clientKey, "gpt-4o-transcribe"));
        host.Fake.Enqueue(FakeResponse.Status(500).Always());
        Assert.Equal(HttpStatusCode.BadGateway, await CallAsync(clientKey, "gpt-4o-transcribe"));
        host.Fake.Clear();

        // Storage down: a server error whose message carries nothing of the exception (no address, no reason).
        using (var status = new HttpRequestMessage(HttpMethod.Get, "v1/transcription-jobs/0123456789abcdef0123456789abcdef"))
        {
            status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
            using var response = await host.Client.SendAsync(status);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode >= 500, $"{response.StatusCode}: {body}");
            Assert.DoesNotContain("127.0.0.1", body);
            Assert.DoesNotContain(closedStorage.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
            Assert.DoesNotContain("refused", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", body);
        }

        // Let the last lines arrive, then check the log really is at trace level and mentions the calls.
        await AzureCalls.LogLineAsync(host.Server, 0, "aoai-4o", "attempt");
        // The storage failure is logged with its exception (the operator gets the address the client did not), so
        // the scan below covers that path too.
        await AzureCalls.LogLineAsync(host.Server, 0, $"Connection refused (127.0.0.1:{closedStorage})");
        var logs = host.Server.Logs;
        Assert.Contains("trce:", logs);
        Assert.Contains("dbug:", logs);
        foreach (var secret in new[]
                 {
                     upstreamKey, wrongUpstreamKey, clientKey, otherClientKey, AuthOptions.HashKey(clientKey), AuthOptions.HashKey(otherClientKey),
                     AzuriteFixture.DevKey, AzuriteFixture.DevKey[..24],
                 })
        {
            Assert.DoesNotContain(secret, logs);
        }
    }
}
