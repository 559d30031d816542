using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using SpeechToText.Core.Http;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Usage;

/// <summary>Requests, settings and blob reads shared by the usage and limits tests.</summary>
internal static class UsageCalls
{
    /// <summary>Not audio: answered 400 invalid_file_format at once (after binding, before any engine work).</summary>
    public static readonly byte[] NotAudio = Encoding.ASCII.GetBytes("this is not audio, just text posing as a recording");

    /// <summary>Settings of one API key (its id, the hash of <paramref name="key"/>, admin flag and any extra fields).</summary>
    public static Dictionary<string, string?> Key(int index, string id, string key, bool admin = false, params (string Name, string Value)[] extra)
    {
        var s = new Dictionary<string, string?>
        {
            [$"Auth__Keys__{index}__Id"] = id,
            [$"Auth__Keys__{index}__Sha256"] = AuthOptions.HashKey(key),
            [$"Auth__Keys__{index}__Admin"] = admin ? "true" : "false",
        };
        foreach (var (name, value) in extra)
        {
            s[$"Auth__Keys__{index}__{name}"] = value;
        }
        return s;
    }

    public static Dictionary<string, string?> Merge(params IReadOnlyDictionary<string, string?>[] parts)
    {
        var all = new Dictionary<string, string?>();
        foreach (var part in parts)
        {
            foreach (var (k, v) in part)
            {
                all[k] = v;
            }
        }
        return all;
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string? key, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(content is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> TranscribeAsync(HttpClient client, string? key, string model = "whisper-1", params (string, string)[] fields) =>
        SendAsync(client, key, "v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Wav16kMonoS16, model, fields));

    public static Task<HttpResponseMessage> NotAudioAsync(HttpClient client, string? key) =>
        SendAsync(client, key, "v1/audio/transcriptions", Multipart.Form(NotAudio, "fake.wav"));

    /// <summary>GET /v1/usage for the last and next hour (whatever the UTC day), as JSON.</summary>
    public static async Task<JsonElement> UsageAsync(HttpClient client, string? key, string groupBy = "")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await SendAsync(client, key, $"v1/usage?start={now - 3600}&end={now + 3600}&group_by={groupBy}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /v1/usage: {(int)response.StatusCode} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>The results of every bucket summed per group value (buckets are days; the hour range may span two).</summary>
    public static Dictionary<string, (int Requests, double Seconds, long InputTokens, long OutputTokens, long TotalTokens, int Errors)> Totals(
        JsonElement page, string groupField)
    {
        Assert.Equal("page", page.GetProperty("object").GetString());
        var totals = new Dictionary<string, (int, double, long, long, long, int)>();
        foreach (var bucket in page.GetProperty("data").EnumerateArray())
        {
            Assert.Equal("bucket", bucket.GetProperty("object").GetString());
            foreach (var r in bucket.GetProperty("results").EnumerateArray())
            {
                Assert.Equal("usage.audio_transcriptions.result", r.GetProperty("object").GetString());
                var group = groupField.Length == 0 ? "" : r.GetProperty(groupField).ValueKind == JsonValueKind.Null ? "(none)" : r.GetProperty(groupField).GetString()!;
                var t = totals.GetValueOrDefault(group);
                totals[group] = (t.Item1 + r.GetProperty("num_model_requests").GetInt32(), t.Item2 + r.GetProperty("seconds").GetDouble(),
                    t.Item3 + r.GetProperty("input_tokens").GetInt64(), t.Item4 + r.GetProperty("output_tokens").GetInt64(),
                    t.Item5 + r.GetProperty("total_tokens").GetInt64(), t.Item6 + r.GetProperty("errors").GetInt32());
            }
        }
        return totals;
    }

    /// <summary>Every usage blob of the container: names and raw text.</summary>
    public static async Task<List<(string Name, string Text)>> BlobsAsync(string connectionString, string container)
    {
        var client = new BlobServiceClient(connectionString).GetBlobContainerClient(container);
        var blobs = new List<(string, string)>();
        if (!await client.ExistsAsync())
        {
            return blobs;
        }
        await foreach (var item in client.GetBlobsAsync())
        {
            blobs.Add((item.Name, (await client.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToString()));
        }
        return blobs;
    }

    public static List<UsageRecord> Records(IEnumerable<(string Name, string Text)> blobs) =>
        blobs.SelectMany(b => UsageRecord.ParseLines(b.Text)).ToList();

    /// <summary>Polls the usage blobs until <paramref name="count"/> records are there (or the timeout passes).</summary>
    public static async Task<List<UsageRecord>> WaitForRecordsAsync(string connectionString, string container, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var records = Records(await BlobsAsync(connectionString, container));
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                return records;
            }
            await Task.Delay(200);
        }
    }

    public static async Task WaitForLogAsync(Fixtures.ServerProcess server, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!server.Logs.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line with '{text}' in:\n{server.Logs}");
            await Task.Delay(100);
        }
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").GetProperty("code").GetString() ?? "";
    }
}

/// <summary>Sends the first half of the body, then waits for the gate before sending the rest.</summary>
internal sealed class SlowContent(byte[] body, Task gate) : HttpContent
{
    private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task HalfSent => _halfSent.Task;

    /// <summary>The form's bytes with its content type (the boundary must match the body).</summary>
    public static async Task<SlowContent> FromAsync(MultipartFormDataContent form, Task gate)
    {
        var content = new SlowContent(await form.ReadAsByteArrayAsync(), gate);
        content.Headers.ContentType = form.Headers.ContentType;
        return content;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        int half = body.Length / 2;
        await stream.WriteAsync(body.AsMemory(0, half));
        await stream.FlushAsync();
        _halfSent.TrySetResult();
        await gate;
        await stream.WriteAsync(body.AsMemory(half));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
