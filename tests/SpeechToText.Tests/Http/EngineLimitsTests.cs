using System.Net;
using System.Text.Json;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

/// <summary>Saturation and cancellation through HTTP, with tiny-sized compute so a call takes seconds.</summary>
[Collection(EngineLimitsCollection.Name)]
public class EngineLimitsTests
{
    private static async Task<int> SlotsBusyAsync(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("health"));
        return doc.RootElement.GetProperty("engine").GetProperty("slots_busy").GetInt32();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Three minutes of speech: a full run takes far longer than the slot may stay busy after a cancel.</summary>
    internal static readonly Lazy<byte[]> LongSpeech = new(() =>
    {
        var one = AudioSamples.Shared.Speech60sWav16kMono;
        var three = Path.Combine(AudioSamples.Shared.Folder, "speech-180s.wav");
        if (!File.Exists(three))
        {
            AudioSamples.Run("sox", one, one, one, three);
        }
        return File.ReadAllBytes(three);
    });

    private static Task<ServerProcess> StartOneSlotServer() => ServerProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Whisper__ModelPath"] = TestModels.Tiny,
        ["Whisper__Slots"] = "1",
        ["Whisper__QueueCapacity"] = "0",
    });

    [Fact]
    public async Task Saturated_engine_answers_429_with_retry_after_and_cancellation_frees_the_slot()
    {
        await using var server = await StartOneSlotServer();
        var client = server.Client;
        var audio = LongSpeech.Value;

        using var cts = new CancellationTokenSource();
        var first = client.PostAsync("v1/audio/transcriptions", Multipart.Form(audio, "a.wav"), cts.Token);
        await WaitForAsync(async () => await SlotsBusyAsync(client) == 1, TimeSpan.FromSeconds(30), "the first call to take the slot");

        var second = await client.PostAsync("v1/audio/transcriptions", Multipart.Form(audio, "b.wav"));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        using (var doc = JsonDocument.Parse(await second.Content.ReadAsStringAsync()))
        {
            Assert.Equal("rate_limit_exceeded", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        // The client gives up: the native work is aborted and the slot freed long before decoding would end.
        var cancelledAt = DateTime.UtcNow;
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await WaitForAsync(async () => await SlotsBusyAsync(client) == 0, TimeSpan.FromSeconds(15), "the slot to be freed");
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(15));

        // And the engine serves the next call.
        var third = await client.PostAsync("v1/audio/transcriptions", Multipart.Form(AudioSamples.Shared.Wav16kMonoS16));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Client_leaving_mid_stream_frees_the_slot()
    {
        await using var server = await StartOneSlotServer();
        var client = server.Client;
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions")
        {
            Content = Multipart.Form(LongSpeech.Value, "a.wav", "whisper-1", ("stream", "true")),
        };
        using var cts = new CancellationTokenSource();
        var pending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await WaitForAsync(async () => await SlotsBusyAsync(client) == 1, TimeSpan.FromSeconds(30), "the stream to take the slot");
        await cts.CancelAsync();
        try
        {
            using var response = await pending;
        }
        catch (OperationCanceledException)
        {
        }
        await WaitForAsync(async () => await SlotsBusyAsync(client) == 0, TimeSpan.FromSeconds(15), "the slot to be freed");
        Assert.False(server.HasExited);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineLimitsCollection
{
    public const string Name = "engine limits";
}
