using System.Text.Json;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Realtime;

/// <summary>Live turns through Azure OpenAI deployments (the HTTP-level fake): the same router as the file endpoint.</summary>
public sealed class RealtimeAzureTests : IAsyncLifetime
{
    private AzureTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AzureTestHost.StartAsync(AzureTestHost.StandardDeployments);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(JsonElement Completed, List<string> Deltas)> TurnAsync(string model)
    {
        // No API keys on this host (loopback only): the session opens without one.
        await using var client = await RealtimeClient.ConnectAsync(new Uri($"ws://{_host.Server.BaseUrl.Authority}/v1/realtime?intent=transcription"), null);
        await client.SendAsync(new { type = "session.update", session = new { audio = new { input = new { transcription = new { model, language = "en" }, turn_detection = (object?)null } } } });
        var updated = await client.WaitForAsync("session.updated");
        Assert.Equal(model, updated.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("transcription").GetProperty("model").GetString());
        await client.AppendPcmAsync(RealtimeAudio.Speech24k);
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        var completed = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        var deltas = client.Events.Where(e => RealtimeClient.Type(e) == "conversation.item.input_audio_transcription.delta")
            .Select(e => e.GetProperty("delta").GetString()!).ToList();
        return (completed, deltas);
    }

    [Fact]
    public async Task A_streaming_deployment_relays_its_deltas_and_token_usage()
    {
        _host.Fake.Clear();
        var (completed, deltas) = await TurnAsync("gpt-4o-transcribe");
        Assert.Equal("Hello from aoai-4o. This is a fake transcript.", completed.GetProperty("transcript").GetString());
        Assert.True(deltas.Count > 1, $"{deltas.Count} deltas");
        Assert.Equal(completed.GetProperty("transcript").GetString(), string.Concat(deltas).Trim());
        Assert.Equal("tokens", completed.GetProperty("usage").GetProperty("type").GetString());
        var sent = Assert.Single(_host.Fake.Requests);
        Assert.Equal(["true"], sent.Fields["stream"]);
        Assert.Equal(["en"], sent.Fields["language"]);
        Assert.Equal(["aoai-4o"], sent.Fields["model"]);
    }

    [Fact]
    public async Task A_whisper_deployment_answers_the_turn_in_one_delta()
    {
        _host.Fake.Clear();
        var (completed, deltas) = await TurnAsync("whisper-azure");
        Assert.Equal("Hello from aoai-whisper. This is a fake transcript.", completed.GetProperty("transcript").GetString());
        Assert.Equal([completed.GetProperty("transcript").GetString()!], deltas);
        Assert.Equal("duration", completed.GetProperty("usage").GetProperty("type").GetString());
        Assert.False(Assert.Single(_host.Fake.Requests).Fields.ContainsKey("stream"));
    }
}
