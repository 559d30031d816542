using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Storage;
using SpeechToText.Tests.Fixtures;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Jobs;

/// <summary>The real server process with Pipeline:Enabled against a private Azurite: the blob watcher, the local task hub and the job API.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PipelineServerTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    internal static Dictionary<string, string?> ServerSettings(StorageOptions storage, string model, string? extraKey = null, string? extraValue = null)
    {
        var s = AzuriteFixture.AsSettings(storage);
        s["Whisper__ModelPath"] = model;
        s["Whisper__VadMinDurationSeconds"] = "0";
        s["Pipeline__Enabled"] = "true";
        s["Pipeline__LocalChunkTargetSeconds"] = "30";
        s["Pipeline__WatchInterval"] = "00:00:00.500";
        s["Pipeline__RetryBaseDelay"] = "00:00:00.200";
        // A task hub of the test's own, and work cut off by a kill back within 20 s.
        s["Pipeline__TaskHub"] = "t" + Guid.NewGuid().ToString("N")[..12];
        s["Pipeline__ActivityLockTimeout"] = "00:00:20";
        if (extraKey is not null)
        {
            s[extraKey] = extraValue;
        }
        return s;
    }

    [Fact]
    public async Task A_dropped_file_yields_five_transcripts_a_status_document_and_status_over_http()
    {
        var storage = azurite.NewStorage();
        await using var server = await ServerProcess.StartAsync(ServerSettings(storage, TestModels.Test));
        var blobs = AzuriteFixture.Client(storage);
        await blobs.EnsureCreatedAsync(default);
        await using (var f = File.OpenRead(JobAudio.TwoMinutes.Value))
        {
            await blobs.Input.GetBlobClient("meetings/talk.mp3").UploadAsync(f);
        }

        var status = await WaitForAsync(server, "meetings/talk.mp3", "completed", TimeSpan.FromMinutes(3));
        var id = status.GetProperty("id").GetString()!;
        Assert.Equal(status.GetProperty("chunks_total").GetInt32(), status.GetProperty("chunks_done").GetInt32());
        Assert.True(status.GetProperty("chunks_total").GetInt32() >= 4);
        foreach (var ext in TranscriptOutputs.All)
        {
            Assert.True(await blobs.Output.GetBlobClient($"meetings/talk.mp3.{ext}").ExistsAsync(), ext);
        }
        var doc = JsonDocument.Parse((await blobs.Output.GetBlobClient("meetings/talk.mp3.status.json").DownloadContentAsync()).Value.Content.ToMemory());
        Assert.Equal("completed", doc.RootElement.GetProperty("state").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("outputs").GetArrayLength());

        using var byId = await server.Client.GetAsync($"v1/transcription-jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        using var missing = await server.Client.GetAsync($"v1/transcription-jobs/{new string('0', 32)}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var envelope = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("job_not_found", envelope.GetProperty("code").GetString());
        using var noInput = await server.Client.GetAsync("v1/transcription-jobs?input=nothing.wav");
        Assert.Equal(HttpStatusCode.NotFound, noInput.StatusCode);

        // An upload over 25 MB is refused with the place where large files go.
        using var big = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[26 * 1024 * 1024]), "file", "big.wav" },
            { new StringContent("whisper-1"), "model" },
        };
        using var refused = await server.Client.PostAsync("v1/audio/transcriptions", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var message = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains($"'{storage.InputContainer}' container of storage account 'devstoreaccount1'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_job_can_be_cancelled_and_an_ended_one_deleted_over_http_keeping_its_transcripts()
    {
        var storage = azurite.NewStorage();
        await using var server = await ServerProcess.StartAsync(ServerSettings(storage, TestModels.Test));
        var blobs = AzuriteFixture.Client(storage);
        await blobs.EnsureCreatedAsync(default);
        await using (var f = File.OpenRead(JobAudio.TwentyMinutes.Value))
        {
            await blobs.Input.GetBlobClient("long.flac").UploadAsync(f);
        }
        var running = await WaitForAsync(server, "long.flac", "transcribing", TimeSpan.FromMinutes(3));
        var id = running.GetProperty("id").GetString()!;
        using (var early = await server.Client.DeleteAsync($"v1/transcription-jobs/{id}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Equal("job_running", JsonDocument.Parse(await early.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        using (var cancelled = await server.Client.PostAsync($"v1/transcription-jobs/{id}/cancel", null))
        {
            var body = await cancelled.Content.ReadAsStringAsync();
            Assert.True(cancelled.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("cancelled", JsonDocument.Parse(body).RootElement.GetProperty("state").GetString());
        }
        Assert.Equal("cancelled", (await StatusAsync(server, "long.flac"))!.Value.GetProperty("state").GetString());
        using (var status = JsonDocument.Parse((await blobs.Output.GetBlobClient("long.flac.status.json").DownloadContentAsync()).Value.Content.ToMemory()))
        {
            Assert.Equal("cancelled", status.RootElement.GetProperty("state").GetString());
        }

        using (var deleted = await server.Client.DeleteAsync($"v1/transcription-jobs/{id}"))
        {
            var body = await deleted.Content.ReadAsStringAsync();
            Assert.True(deleted.StatusCode == HttpStatusCode.OK, body);
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("deleted").GetBoolean());
        }
        using (var gone = await server.Client.GetAsync($"v1/transcription-jobs/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        int chunks = 0;
        await foreach (var _ in blobs.Jobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, JobBlobs.Prefix(id), default))
        {
            chunks++;
        }
        Assert.Equal(0, chunks);
        Assert.True(await blobs.Input.GetBlobClient("long.flac").ExistsAsync());
        Assert.True(await blobs.Output.GetBlobClient("long.flac.status.json").ExistsAsync());
    }

    [Fact]
    public async Task A_two_hour_recording_completes_with_the_local_engine()
    {
        var storage = azurite.NewStorage();
        var file = JobAudio.TwoHours.Value;
        var settings = ServerSettings(storage, TestModels.Test);
        settings["Pipeline__LocalChunkTargetSeconds"] = "300";
        settings["Whisper__Slots"] = "2";
        settings["Whisper__ThreadsPerSlot"] = "1";
        await using var server = await ServerProcess.StartAsync(settings);
        var blobs = AzuriteFixture.Client(storage);
        await blobs.EnsureCreatedAsync(default);
        var sw = Stopwatch.StartNew();
        await using (var f = File.OpenRead(file))
        {
            await blobs.Input.GetBlobClient("lecture.flac").UploadAsync(f);
        }
        var status = await WaitForAsync(server, "lecture.flac", "completed", TimeSpan.FromMinutes(5));
        output.WriteLine($"2 h input ({new FileInfo(file).Length} bytes) completed in {sw.Elapsed.TotalSeconds:0.0} s: {status}");
        // Both slots were used (two chunks in flight is the default for two slots): some chunk started before the one
        // ahead of it was done.
        var logs = server.Logs;
        var id = status.GetProperty("id").GetString()!;
        bool overlapped = Enumerable.Range(0, status.GetProperty("chunks_total").GetInt32() - 1).Any(i =>
            logs.IndexOf($"Job {id}: chunk {i + 1} started", StringComparison.Ordinal) is var next and >= 0
            && logs.IndexOf($"Job {id}: chunk {i} transcribed", StringComparison.Ordinal) is var done and >= 0 && next < done);
        Assert.True(overlapped, "no two chunks were ever transcribed at once");
        Assert.InRange(status.GetProperty("duration_seconds").GetDouble(), 7000, 7400);
        Assert.Equal((int)Math.Ceiling(status.GetProperty("duration_seconds").GetDouble() / 300), status.GetProperty("chunks_total").GetInt32());
        Assert.True(await blobs.Output.GetBlobClient("lecture.flac.srt").ExistsAsync());
    }

    internal static async Task<JsonElement?> StatusAsync(ServerProcess server, string input)
    {
        using var r = await server.Client.GetAsync($"v1/transcription-jobs?input={Uri.EscapeDataString(input)}");
        return r.IsSuccessStatusCode ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone() : null;
    }

    internal static async Task<JsonElement> WaitForAsync(ServerProcess server, string input, string state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await StatusAsync(server, input);
            if (last?.GetProperty("state").GetString() is { } s && (s == state || JobStates.IsFinal(s)))
            {
                Assert.True(s == state, $"job ended {s}: {last}");
                return last.Value;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"job for {input} not {state} in {timeout}: {last}\n{server.Logs}");
    }
}
