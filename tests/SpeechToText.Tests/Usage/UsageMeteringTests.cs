using System.Net;
using System.Text.Json;
using SpeechToText.Core.Http;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Jobs;
using static SpeechToText.Tests.Usage.UsageCalls;

namespace SpeechToText.Tests.Usage;

/// <summary>
/// Metering end to end: the real server process, real whisper.cpp (synthetic model), the fake Azure OpenAI
/// resource for token-billed answers, and real Azurite holding the append blobs.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UsageMeteringTests(AzuriteFixture azurite)
{
    private const string AliceKey = "sk-alice-7d3c1b9e-secret";
    private const string BobKey = "sk-bob-2a8f4e6c-secret";

    private Dictionary<string, string?> StorageSettings(string container) => Merge(
        AzuriteFixture.AsSettings(azurite.NewStorage()),
        new Dictionary<string, string?> { ["Usage__Container"] = container, ["Usage__FlushInterval"] = "00:00:00.200" });

    private static string NewContainer() => $"usage-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Usage_adds_up_exactly_per_key_and_per_model_and_the_blobs_hold_exactly_those_records()
    {
        var container = NewContainer();
        await using var host = await AzureTestHost.StartAsync(
            [new AzureDeployment("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe)],
            Merge(StorageSettings(container), Key(0, "alice", AliceKey, admin: true), Key(1, "bob", BobKey, false, ("RequestsPerMinute", "3")),
                new Dictionary<string, string?> { ["Auth__RequestsWindow"] = "01:00:00" }));
        var client = host.Client;
        double d = AudioSamples.Shared.SpeechSeconds;

        // alice: local json, Azure gpt-4o (tokens), a local stream, a translation, one 400.
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(client, AliceKey)).StatusCode);
        var azure = await TranscribeAsync(client, AliceKey, "gpt-4o-transcribe");
        var tokens = (await AzureCalls.JsonAsync(azure)).GetProperty("usage");
        var stream = await TranscribeAsync(client, AliceKey, "whisper-1", ("stream", "true"));
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Contains("transcript.text.done", await stream.Content.ReadAsStringAsync());
        var translation = await SendAsync(client, AliceKey, "v1/audio/translations", Http.Multipart.Form(AudioSamples.Shared.Wav16kMonoS16));
        Assert.Equal(HttpStatusCode.OK, translation.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await NotAudioAsync(client, AliceKey)).StatusCode);

        // bob: two successes and a 400 use his 3 requests; the 4th is refused by his limit.
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(client, BobKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await NotAudioAsync(client, BobKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(client, BobKey)).StatusCode);
        var limited = await TranscribeAsync(client, BobKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        // No key at all.
        Assert.Equal(HttpStatusCode.Unauthorized, (await TranscribeAsync(client, null)).StatusCode);

        var byKey = Totals(await UsageAsync(client, AliceKey, "key"), "api_key_id");
        Assert.Equal(["alice", "bob", ApiKeyValidator.UnauthenticatedId], byKey.Keys.Order(StringComparer.Ordinal));
        var alice = byKey["alice"];
        Assert.Equal(5, alice.Requests);
        Assert.InRange(alice.Seconds, (4 * d) - 0.01, (4 * d) + 0.01);
        Assert.Equal(tokens.GetProperty("input_tokens").GetInt64(), alice.InputTokens);
        Assert.Equal(tokens.GetProperty("output_tokens").GetInt64(), alice.OutputTokens);
        Assert.Equal(tokens.GetProperty("total_tokens").GetInt64(), alice.TotalTokens);
        Assert.True(alice.InputTokens > 0);
        Assert.Equal(1, alice.Errors);
        var bob = byKey["bob"];
        Assert.Equal((4, 2), (bob.Requests, bob.Errors));
        Assert.InRange(bob.Seconds, (2 * d) - 0.01, (2 * d) + 0.01);
        Assert.Equal((1, 1, 0.0), (byKey[ApiKeyValidator.UnauthenticatedId].Requests, byKey[ApiKeyValidator.UnauthenticatedId].Errors,
            byKey[ApiKeyValidator.UnauthenticatedId].Seconds));

        // By model: the 429 and the 401 never read the form, so they name no model.
        var byModel = Totals(await UsageAsync(client, AliceKey, "model"), "model");
        Assert.Equal(["(none)", "gpt-4o-transcribe", "whisper-1"], byModel.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((7, 2), (byModel["whisper-1"].Requests, byModel["whisper-1"].Errors));
        Assert.InRange(byModel["whisper-1"].Seconds, (5 * d) - 0.01, (5 * d) + 0.01);
        Assert.Equal((1, 0, alice.TotalTokens), (byModel["gpt-4o-transcribe"].Requests, byModel["gpt-4o-transcribe"].Errors, byModel["gpt-4o-transcribe"].TotalTokens));
        Assert.InRange(byModel["gpt-4o-transcribe"].Seconds, d - 0.01, d + 0.01);
        Assert.Equal((2, 2), (byModel["(none)"].Requests, byModel["(none)"].Errors));
        var all = Totals(await UsageAsync(client, AliceKey), "")[""];
        Assert.Equal((10, 4), (all.Requests, all.Errors));

        // The raw append blobs: exactly those ten records, one per request, and never a key or its hash.
        var blobs = await BlobsAsync(azurite.ConnectionString, container);
        var records = Records(blobs);
        Assert.Equal(10, records.Count);
        Assert.Equal(10, records.Select(r => r.Id).Distinct().Count());
        Assert.All(blobs, b => Assert.Matches(@"^\d{4}/\d{2}/\d{2}/[A-Za-z0-9._-]+\.jsonl$", b.Name));
        foreach (var secret in new[] { AliceKey, BobKey, AuthOptions.HashKey(AliceKey), AuthOptions.HashKey(BobKey) })
        {
            Assert.All(blobs, b => Assert.DoesNotContain(secret, b.Text, StringComparison.Ordinal));
        }
        var streamed = Assert.Single(records, r => r.Stream);
        Assert.Equal(("alice", "whisper.cpp", 200), (streamed.KeyId, streamed.Backend, streamed.Status));
        var azureRecord = Assert.Single(records, r => r.Backend?.StartsWith("azure-openai", StringComparison.Ordinal) == true);
        Assert.Equal(tokens.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32(), azureRecord.AudioTokens);
        Assert.Single(records, r => r.Operation == UsageRecord.Translation);
        var refused = Assert.Single(records, r => r.Status == 429);
        Assert.Equal(("bob", "rate_limit_exceeded"), (refused.KeyId, refused.ErrorCode));
        Assert.Equal(2, records.Count(r => r.ErrorCode == "invalid_file_format" && r.AudioSeconds == 0));
        Assert.Equal("invalid_api_key", Assert.Single(records, r => r.Status == 401).ErrorCode);
        Assert.All(records.Where(r => r.Status == 200), r => Assert.True(r.UploadBytes > 0 && r.LatencyMs >= 0));
    }

    [Fact]
    public async Task Sigterm_right_after_requests_leaves_every_record_in_the_blobs()
    {
        var container = NewContainer();
        var settings = StorageSettings(container);
        settings["Whisper__ModelPath"] = Fixtures.TestModels.Test;
        settings["Usage__FlushInterval"] = "00:10:00"; // nothing is written before the shutdown
        var server = await Fixtures.ServerProcess.StartAsync(settings);
        await using (server)
        {
            Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(server.Client, null)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await NotAudioAsync(server.Client, null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(server.Client, null, "whisper-1", ("response_format", "text"))).StatusCode);
            Assert.Empty(await BlobsAsync(azurite.ConnectionString, container));

            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
        var records = Records(await BlobsAsync(azurite.ConnectionString, container));
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(ApiKeyValidator.AnonymousId, r.KeyId));
        Assert.Equal([200, 200, 400], records.Select(r => r.Status).Order());
    }

    [Fact]
    public async Task With_storage_down_requests_still_succeed_fast_and_their_records_arrive_once_it_is_back()
    {
        var blobPort = int.Parse(System.Text.RegularExpressions.Regex.Match(azurite.ConnectionString, @"BlobEndpoint=http://127\.0\.0\.1:(\d+)/").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        await using var proxy = new StorageProxy(blobPort);
        var container = NewContainer();
        var settings = StorageSettings(container);
        settings["Storage__ConnectionString"] = azurite.ConnectionString.Replace($":{blobPort}/", $":{proxy.Port}/", StringComparison.Ordinal);
        settings["Whisper__ModelPath"] = Fixtures.TestModels.Test;
        settings["Usage__RetryBaseDelay"] = "00:00:00.200";
        settings["Usage__RetryMaxDelay"] = "00:00:01";
        settings["Usage__FlushTimeout"] = "00:00:02";
        await using var server = await Fixtures.ServerProcess.StartAsync(settings);

        // Storage is down from the start: the requests do not wait for it.
        var withoutStorage = new List<TimeSpan>();
        for (int i = 0; i < 4; i++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var response = i == 1 ? await NotAudioAsync(server.Client, null) : await TranscribeAsync(server.Client, null);
            withoutStorage.Add(sw.Elapsed);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{response.StatusCode}");
        }
        // A request that waited for storage would wait for ever (the writer retries until storage is back), so a
        // bound this generous still tells the two apart on a heavily loaded machine.
        Assert.All(withoutStorage, t => Assert.True(t < TimeSpan.FromSeconds(30), $"a request took {t}"));
        await WaitForLogAsync(server, "Writing usage records failed", TimeSpan.FromSeconds(60)); // after the SDK's own retries

        // The exact report cannot be made while storage is down: 503, not a partial answer.
        var unavailable = await SendAsync(server.Client, null, "v1/usage");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("usage_store_unavailable", await ErrorCodeAsync(unavailable));
        Assert.NotEqual("", Header(unavailable, "Retry-After"));

        proxy.Up();
        var records = await WaitForRecordsAsync(azurite.ConnectionString, container, 4, TimeSpan.FromSeconds(60));
        Assert.Equal(4, records.Count);
        Assert.Equal(4, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal(4, Totals(await UsageAsync(server.Client, null), "")[""].Requests);
        await WaitForLogAsync(server, "Usage records written again", TimeSpan.FromSeconds(10));
    }
}
