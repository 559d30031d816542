using System.Net;
using System.Text.Json;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using static SpeechToText.Tests.Usage.UsageCalls;

namespace SpeechToText.Tests.Usage;

/// <summary>GET /v1/usage's checks and permissions, auth on every route, and metering to local files without storage.</summary>
public sealed class UsageApiTests
{
    private const string AdminKey = "sk-admin-0f3e5d7c";
    private const string UserKey = "sk-user-8b2a4c6e";

    [Fact]
    public async Task Usage_needs_an_admin_key_and_valid_parameters_and_every_route_but_health_needs_a_key()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stt-usage-{Guid.NewGuid():N}");
        await using var server = await ServerProcess.StartAsync(Merge(Key(0, "ops", AdminKey, admin: true), Key(1, "app", UserKey),
            new Dictionary<string, string?>
            {
                ["Whisper__ModelPath"] = TestModels.Test,
                ["Usage__LocalDirectory"] = folder,
                ["Usage__MaxQueryDays"] = "2",
            }));
        var client = server.Client;

        var forbidden = await SendAsync(client, UserKey, "v1/usage");
        await AzureCalls.ErrorAsync(forbidden, HttpStatusCode.Forbidden, null, "insufficient_permissions");
        using (var doc = JsonDocument.Parse(await forbidden.Content.ReadAsStringAsync()))
        {
            Assert.Equal("permission_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, null, "v1/usage")).StatusCode);

        foreach (var (query, param) in new[]
                 {
                     ("start=yesterday", "start"), ("end=12%3A00", "end"), ("start=-5", "start"),
                     ("start=1700000000&end=1700000000", "end"), ("start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z", "end"),
                     ("start=1700000000&end=1700259201", "end"), ("group_by=user", "group_by"),
                 })
        {
            var bad = await SendAsync(client, AdminKey, $"v1/usage?{query}");
            var error = await AzureCalls.ErrorAsync(bad, HttpStatusCode.BadRequest, param, null);
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        }

        // ISO-8601 and unix seconds both work; a range over two UTC days is two buckets, clipped to the range.
        var page = await AzureCalls.JsonAsync(await SendAsync(client, AdminKey, "v1/usage?start=2026-03-01T12:00:00Z&end=1772453700"));
        var buckets = page.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, buckets.Count);
        Assert.Equal(DateTimeOffset.Parse("2026-03-01T12:00:00Z").ToUnixTimeSeconds(), buckets[0].GetProperty("start_time").GetInt64());
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T00:00:00Z").ToUnixTimeSeconds(), buckets[0].GetProperty("end_time").GetInt64());
        Assert.Equal(1772453700, buckets[1].GetProperty("end_time").GetInt64());
        Assert.All(buckets, b => Assert.Empty(b.GetProperty("results").EnumerateArray()));

        // Every route but /health needs the key: an unknown path is 401 before it is 404.
        var unknown = await SendAsync(client, null, "no/such/path");
        await AzureCalls.ErrorAsync(unknown, HttpStatusCode.Unauthorized, null, "invalid_api_key");
        await AzureCalls.ErrorAsync(await SendAsync(client, UserKey, "no/such/path"), HttpStatusCode.NotFound, null, "not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, null, "health/details")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, null, "health")).StatusCode);

        // Without storage the records go to local JSON-lines files, and the report reads them back.
        Assert.Equal(HttpStatusCode.OK, (await TranscribeAsync(client, UserKey)).StatusCode);
        var today = Totals(await UsageAsync(client, AdminKey, "key"), "api_key_id");
        Assert.Equal(["app"], today.Keys); // only audio calls are metered: the 401s and 404s above are not
        Assert.Equal(1, today["app"].Requests);
        var files = Directory.GetFiles(folder, "*.jsonl", SearchOption.AllDirectories);
        var lines = files.SelectMany(File.ReadAllLines).Select(UsageRecord.FromJsonLine).ToList();
        Assert.Contains(lines, r => r is { KeyId: "app", Status: 200, Operation: UsageRecord.Transcription });
        Assert.All(files, f => Assert.DoesNotContain(UserKey, File.ReadAllText(f), StringComparison.Ordinal));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_client_that_leaves_mid_upload_is_recorded_as_499_and_frees_its_concurrency_slot()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stt-usage-{Guid.NewGuid():N}");
        await using var server = await ServerProcess.StartAsync(Merge(Key(0, "ops", AdminKey, admin: true),
            Key(1, "app", UserKey, false, ("MaxConcurrentRequests", "1")),
            new Dictionary<string, string?> { ["Whisper__ModelPath"] = TestModels.Test, ["Usage__LocalDirectory"] = folder }));
        using var leave = new CancellationTokenSource();
        // The rest of the body never comes: the client gives up halfway.
        var slow = await SlowContent.FromAsync(Http.Multipart.Form(Fixtures.AudioSamples.Shared.Wav16kMonoS16), Task.Delay(Timeout.Infinite, leave.Token));
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = slow };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", UserKey);
        var upload = server.Client.SendAsync(request, leave.Token);
        await slow.HalfSent.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // admitted and reading the body
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload.WaitAsync(TimeSpan.FromSeconds(60)));

        // The slot is given back when the request ends, so the key's next request is served.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage next;
        while ((next = await TranscribeAsync(server.Client, UserKey)).StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        // Every request but the last failed: the one that left (and any 429 while its slot was still held).
        var app = Totals(await UsageAsync(server.Client, AdminKey, "key"), "api_key_id")["app"];
        Assert.Equal(app.Requests - 1, app.Errors);
        var records = Directory.GetFiles(folder, "*.jsonl", SearchOption.AllDirectories).SelectMany(File.ReadAllLines)
            .Select(UsageRecord.FromJsonLine).OfType<UsageRecord>().ToList();
        var left = Assert.Single(records, r => r.Status == 499);
        Assert.Equal(("app", "client_disconnected", UsageRecord.Transcription), (left.KeyId, left.ErrorCode, left.Operation));
        Assert.Equal(0, left.AudioSeconds);
        Directory.Delete(folder, recursive: true);
    }
}
