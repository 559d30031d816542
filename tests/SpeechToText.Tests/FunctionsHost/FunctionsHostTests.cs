using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using SpeechToText.Core.Storage;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.FunctionsHost;

/// <summary>
/// The published app under a real Functions host (where one exists; see <see cref="FunctionsHostLocator"/>): the
/// host indexes every function the SDK generated, the HTTP triggers serve the OpenAI surface with Core's keys,
/// and a blob announced the way Event Grid does goes through the pipeline to transcripts and a completed status.
/// </summary>
public sealed class FunctionsHostTests(FunctionsHostFixture fixture) : IClassFixture<FunctionsHostFixture>
{
    private FunctionsHostProcess Host => fixture.Host;

    private HttpRequestMessage Authorized(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FunctionsHostFixture.ApiKey);
        return request;
    }

    [FunctionsHostFact]
    public async Task The_host_indexes_every_function_of_functions_metadata()
    {
        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixture.ScriptRoot, "functions.metadata")));
        var expected = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order().ToList();
        Assert.NotEmpty(expected);
        using var response = await Host.Admin(HttpMethod.Get, "admin/functions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var indexed = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()!).Order().ToList();
        Assert.Equal(expected, indexed);
    }

    [FunctionsHostFact]
    public async Task Health_answers_without_a_key()
    {
        using var response = await Host.Client.GetAsync("health");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + Host.Logs);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("status", out _), body);
    }

    [FunctionsHostTheory]
    [InlineData("json", "application/json")]
    [InlineData("verbose_json", "application/json")]
    [InlineData("text", "text/plain")]
    [InlineData("srt", "text/plain")]
    [InlineData("vtt", "text/vtt")]
    public async Task The_http_trigger_transcribes_in_every_format(string format, string mediaType)
    {
        using var request = Authorized(HttpMethod.Post, "v1/audio/transcriptions",
            Multipart.Form(AudioSamples.Shared.Mp3, "whisper-1", ("response_format", format)));
        using var response = await Host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + Host.Logs);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        if (format.EndsWith("json", StringComparison.Ordinal))
        {
            Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("text", out _), body);
        }
        if (format == "vtt")
        {
            Assert.StartsWith("WEBVTT", body);
        }
    }

    [FunctionsHostFact]
    public async Task Bad_input_gets_an_openai_error_envelope()
    {
        using var request = Authorized(HttpMethod.Post, "v1/audio/transcriptions",
            Multipart.Form(Encoding.ASCII.GetBytes("this is not audio at all"), "clip.mp3", "whisper-1"));
        using var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [FunctionsHostFact]
    public async Task Without_the_key_a_transcription_is_401()
    {
        using var response = await Host.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Mp3, "whisper-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
    }

    [FunctionsHostFact]
    public async Task A_blob_announced_by_event_grid_becomes_transcripts_and_a_completed_job()
    {
        var storage = new StorageOptions();
        var name = $"host-{Guid.NewGuid():N}.mp3";
        var service = new BlobServiceClient(fixture.StorageConnection);
        var input = service.GetBlobContainerClient(storage.InputContainer);
        await input.CreateIfNotExistsAsync();
        await input.GetBlobClient(name).UploadAsync(new BinaryData(await File.ReadAllBytesAsync(AudioSamples.Shared.Mp3)));

        // The webhook's key is a system key the host does not create by itself.
        using var created = await Host.Admin(HttpMethod.Post, "admin/host/systemkeys/blobs_extension");
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString()!;

        var function = FunctionsBuild.BlobTrigger().Function;
        var events = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["topic"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
            ["subject"] = $"/blobServices/default/containers/{storage.InputContainer}/blobs/{name}",
            ["eventType"] = "Microsoft.Storage.BlobCreated",
            ["eventTime"] = DateTimeOffset.UtcNow.ToString("o"),
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
            ["data"] = new JsonObject
            {
                ["api"] = "PutBlob",
                ["blobType"] = "BlockBlob",
                ["url"] = input.GetBlobClient(name).Uri.ToString(),
            },
        });
        using var notification = new HttpRequestMessage(HttpMethod.Post, $"runtime/webhooks/blobs?functionName=Host.Functions.{function}&code={code}")
        {
            Content = new StringContent(events.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        notification.Headers.Add("aeg-event-type", "Notification");
        using var accepted = await Host.Client.SendAsync(notification);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync() + Host.Logs);

        // The job status endpoint follows it to the end.
        JsonElement status = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            using var request = Authorized(HttpMethod.Get, $"v1/transcription-jobs?input={Uri.EscapeDataString(name)}");
            using var response = await Host.Client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                status = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (status.GetProperty("state").GetString() is "completed" or "failed")
                {
                    break;
                }
            }
            await Task.Delay(1000);
        }
        Assert.True(status.ValueKind == JsonValueKind.Object && status.GetProperty("state").GetString() == "completed", $"{status}\n{Host.Logs}");
        var output = service.GetBlobContainerClient(storage.OutputContainer);
        foreach (var file in status.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()!))
        {
            Assert.True(await output.GetBlobClient(file).ExistsAsync(), $"{file} is listed but not in {storage.OutputContainer}");
        }
        Assert.NotEmpty(status.GetProperty("outputs").EnumerateArray());

        using var byId = Authorized(HttpMethod.Get, $"v1/transcription-jobs/{status.GetProperty("id").GetString()}");
        using var again = await Host.Client.SendAsync(byId);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [FunctionsHostFact]
    public async Task A_webhook_call_with_a_wrong_key_is_refused()
    {
        var function = FunctionsBuild.BlobTrigger().Function;
        using var notification = new HttpRequestMessage(HttpMethod.Post, $"runtime/webhooks/blobs?functionName=Host.Functions.{function}&code=wrong")
        {
            Content = new StringContent("[]", Encoding.UTF8, "application/json"),
        };
        notification.Headers.Add("aeg-event-type", "Notification");
        using var response = await Host.Client.SendAsync(notification);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>A host of its own, stopped in the test: the host and its worker both end, without being killed.</summary>
public sealed class FunctionsHostShutdownTests
{
    [FunctionsHostFact]
    public async Task Stopping_the_host_leaves_no_host_or_worker_process()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stt-func-stop-{Guid.NewGuid():N}");
        var azurite = new Fixtures.AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            await FunctionsHostFixture.PublishAsync(Path.Combine(folder, "app"), Path.Combine(folder, "app.zip"));
            var host = await FunctionsHostProcess.StartAsync(FunctionsHostLocator.Host!, Path.Combine(folder, "app"),
                new Dictionary<string, string?> { ["Whisper__ModelPath"] = TestModels.Test }, azurite.ConnectionString);
            await using (host)
            {
                using var health = await host.Client.GetAsync("health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                var tree = host.ProcessTree();
                Assert.True(tree.Count >= 2, $"expected the host and its worker, found {string.Join(", ", tree)}");

                var killed = await host.StopAsync();

                Assert.Empty(killed);
                Assert.DoesNotContain(tree, FunctionsHostProcess.Alive);
            }
        }
        finally
        {
            await azurite.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
