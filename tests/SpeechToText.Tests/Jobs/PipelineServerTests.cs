using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SpeechToText.Core.Jobs;
using SpeechToText.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Jobs;

/// <summary>The real server process with Pipeline:Enabled against a private Azurite: the blob watcher, queue workers and status API.</summary>
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
        s["Pipeline__PollInterval"] = "00:00:00.200";
        s["Pipeline__VisibilityTimeout"] = "00:00:10";
        s["Pipeline__RetryBaseDelay"] = "00:00:00.200";
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
    public async Task Killed_mid_job_the_restarted_server_completes_it_without_lost_or_duplicated_segments()
    {
        var storage = azurite.NewStorage();
        var settings = ServerSettings(storage, TestModels.Test);
        var blobs = AzuriteFixture.Client(storage);
        await blobs.EnsureCreatedAsync(default);
        await using (var f = File.OpenRead(JobAudio.TwoMinutes.Value))
        {
            await blobs.Input.GetBlobClient("talk.mp3").UploadAsync(f);
        }
        var manifests = new ManifestStore(blobs);
        string? jobId = null;
        await using (var first = await ServerProcess.StartAsync(settings))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < deadline)
            {
                var s = await StatusAsync(first, "talk.mp3");
                if (s is { } st && st.GetProperty("chunks_done").GetInt32() >= 1 && st.GetProperty("state").GetString() == "transcribing")
                {
                    jobId = st.GetProperty("id").GetString();
                    break;
                }
                await Task.Delay(100);
            }
            Assert.NotNull(jobId);
            first.Kill();
            output.WriteLine($"killed with {(await manifests.TryReadAsync(jobId!, default))!.Value.Manifest.ChunksDone} chunk(s) done");
        }
        var before = (await manifests.TryReadAsync(jobId!, default))!.Value.Manifest;
        Assert.NotEqual(JobState.Completed, before.State);

        await using var second = await ServerProcess.StartAsync(settings);
        await WaitForAsync(second, "talk.mp3", "completed", TimeSpan.FromMinutes(4));
        var manifest = (await manifests.TryReadAsync(jobId!, default))!.Value.Manifest;
        Assert.Equal(5, manifest.Chunks.Count);
        int expected = 0;
        foreach (var c in manifest.Chunks)
        {
            var r = JobJson.Deserialize<Core.Transcription.TranscriptionResult>(
                (await blobs.Jobs.GetBlobClient(ManifestStore.ChunkResultName(jobId!, c.Index)).DownloadContentAsync()).Value.Content);
            expected += r.Segments.Count;
        }
        using var verbose = JsonDocument.Parse((await blobs.Output.GetBlobClient("talk.mp3.verbose.json").DownloadContentAsync()).Value.Content.ToMemory());
        TranscriptChecks.AssertContiguous(verbose, expected);
    }

    [Fact]
    public async Task A_two_hour_recording_completes_with_the_local_engine()
    {
        var storage = azurite.NewStorage();
        var file = JobAudio.TwoHours.Value;
        var settings = ServerSettings(storage, TestModels.Test, "Pipeline__WorkerConcurrency", "2");
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
            if (last?.GetProperty("state").GetString() is { } s && (s == state || s == "failed"))
            {
                Assert.True(s == state, $"job ended {s}: {last}");
                return last.Value;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"job for {input} not {state} in {timeout}: {last}\n{server.Logs}");
    }
}
