using System.Diagnostics;
using System.Net.WebSockets;
using SpeechToText.Tests.Faults;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Realtime;

/// <summary>The session limits, on a server of their own with small ones: idle time, session length, waiting turns, hostile sizes.</summary>
public sealed class RealtimeLimitsTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(new Dictionary<string, string?>
    {
        // tiny's real dimensions: a turn takes long enough for the next ones to wait behind it.
        ["Whisper__ModelPath"] = TestModels.Tiny,
        ["Whisper__Slots"] = "1",
        ["Realtime__IdleTimeout"] = "00:00:02",
        ["Realtime__MaxPendingTurns"] = "1",
        ["Realtime__MaxTurnAudio"] = "00:00:30",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<RealtimeClient> ConnectAsync() =>
        RealtimeClient.ConnectAsync(new Uri($"ws://{_server.BaseUrl.Authority}/v1/realtime?intent=transcription"), null);

    private static Task ManualAsync(RealtimeClient client) =>
        client.SendAsync(new { type = "session.update", session = new { audio = new { input = new { turn_detection = (object?)null } } } });

    [Fact]
    public async Task A_silent_client_is_told_and_closed_after_the_idle_timeout()
    {
        // Timed from before the connection: the server's 2 s cannot start earlier than that, however late the client
        // reads session.created on a loaded machine.
        var waited = Stopwatch.StartNew();
        await using var client = await ConnectAsync();
        await client.WaitForAsync("session.created");
        var error = (await client.WaitForAsync("error", TimeSpan.FromSeconds(10))).GetProperty("error");
        Assert.Equal("session_idle", error.GetProperty("code").GetString());
        Assert.InRange(waited.Elapsed.TotalSeconds, 1.95, 8);
        await Assert.ThrowsAsync<WebSocketException>(() => client.NextAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.Socket.CloseStatus);
    }

    [Fact]
    public async Task A_session_ends_at_its_maximum_duration_even_while_the_client_keeps_sending()
    {
        // A server of its own: a session length of seconds would cut the other tests' sessions short on a loaded machine.
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Realtime__MaxSessionDuration"] = "00:00:06",
        });
        var waited = Stopwatch.StartNew();
        await using var client = await RealtimeClient.ConnectAsync(new Uri($"ws://{server.BaseUrl.Authority}/v1/realtime?intent=transcription"), null);
        await ManualAsync(client);
        await client.WaitForAsync("session.updated");
        JsonErrorOrClose? ended = null;
        while (ended is null && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                await client.AppendPcmAsync(RealtimeAudio.Silence(0.1));
                await client.SendAsync(new { type = "input_audio_buffer.clear" });
                var e = await client.WaitForAsync("input_audio_buffer.cleared", TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
                ended = new JsonErrorOrClose(client.Events.Any(x => RealtimeClient.Type(x) == "error"
                    && x.GetProperty("error").GetProperty("code").GetString() == "session_expired"));
            }
            await Task.Delay(200);
        }
        Assert.NotNull(ended);
        Assert.True(ended.SawExpiry, string.Join(", ", client.Events.Select(RealtimeClient.Type)));
        Assert.InRange(waited.Elapsed.TotalSeconds, 5.95, 18);
    }

    private sealed record JsonErrorOrClose(bool SawExpiry);

    [Fact]
    public async Task A_turn_beyond_the_waiting_turns_fails_with_rate_limit_exceeded()
    {
        // One slot, one waiting turn: of three long turns committed at once the third cannot wait.
        var turn = RealtimeAudio.Concat(Enumerable.Repeat(RealtimeAudio.Speech24k, 2).ToArray());
        await using var client = await ConnectAsync();
        await ManualAsync(client);
        await client.WaitForAsync("session.updated");
        for (int i = 0; i < 3; i++)
        {
            await client.AppendPcmAsync(turn, chunkMs: 1000);
            await client.SendAsync(new { type = "input_audio_buffer.commit" });
        }
        var failed = await client.WaitForAsync("conversation.item.input_audio_transcription.failed");
        var error = failed.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());
        var committed = client.Events.Where(e => RealtimeClient.Type(e) == "input_audio_buffer.committed").ToList();
        Assert.Equal(committed[^1].GetProperty("item_id").GetString(), failed.GetProperty("item_id").GetString());
        // The two that could wait are transcribed.
        await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
    }

    [Fact]
    public async Task Fifty_megabytes_in_one_event_and_appends_past_the_turn_limit_are_refused_and_memory_stays_bounded()
    {
        long baseline = FaultChecks.RssBytes(_server.ProcessId);
        await using var client = await ConnectAsync();
        await ManualAsync(client);
        await client.WaitForAsync("session.updated");
        await client.SendTextAsync("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + new string('A', 50 * 1024 * 1024) + "\"}");
        Assert.Equal("event_too_large", (await client.WaitForAsync("error")).GetProperty("error").GetProperty("code").GetString());
        // 40 s of audio against a 30 s turn: the appends past it are refused, nothing is dropped silently.
        await client.AppendPcmAsync(RealtimeAudio.Silence(40), chunkMs: 1000);
        var full = client.Events.Where(e => RealtimeClient.Type(e) == "error").ToList();
        await client.SendAsync(new { type = "input_audio_buffer.clear" });
        await client.WaitForAsync("input_audio_buffer.cleared");
        Assert.Contains(client.Events, e => RealtimeClient.Type(e) == "error" && e.GetProperty("error").GetProperty("code").GetString() == "input_audio_buffer_full");
        FaultChecks.AssertRssNear(_server.ProcessId, baseline, "a 50 MB event and a full turn buffer");
    }

    [Fact]
    public async Task A_client_leaving_mid_turn_frees_the_engine_slot_at_once()
    {
        // About 45 s of speech on this server's model of tiny's dimensions: two 30 s windows, seconds of whisper each.
        var longTurn = RealtimeAudio.Concat(Enumerable.Repeat(RealtimeAudio.Speech24k, (int)Math.Ceiling(45 / (RealtimeAudio.Speech24k.Length / 24000.0))).ToArray());
        var client = await ConnectAsync();
        await client.SendAsync(new { type = "session.update", session = new { audio = new { input = new { turn_detection = (object?)null } } } });
        await client.WaitForAsync("session.updated");
        await client.AppendPcmAsync(longTurn, chunkMs: 1000);
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        await client.WaitForAsync("input_audio_buffer.committed");
        await FaultChecks.WaitUntilAsync(async () => (await FaultChecks.EngineAsync(_server.Client)).SlotsBusy > 0, TimeSpan.FromSeconds(30), "the turn to reach the engine");
        client.Socket.Abort();
        var left = Stopwatch.StartNew();
        await FaultChecks.WaitForIdleEngineAsync(_server.Client, TimeSpan.FromSeconds(10));
        // Alone on the machine this is well under a second; the bound leaves room for the other test servers sharing
        // two cores (whisper notices the abort between graph steps, which slow down under that load). A turn that
        // ran to its end would hold the slot for many seconds more.
        Assert.True(left.Elapsed < TimeSpan.FromSeconds(3), $"slot free {left.ElapsedMilliseconds} ms after the client left");
        client.Socket.Dispose();
    }

    [Fact]
    public async Task A_client_that_closes_gets_a_normal_close_back_and_the_server_carries_on()
    {
        var client = await ConnectAsync();
        await ManualAsync(client);
        await client.WaitForAsync("session.updated");
        await client.AppendPcmAsync(RealtimeAudio.Speech24k);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
        client.Socket.Dispose();
        await FaultChecks.WaitForIdleEngineAsync(_server.Client, TimeSpan.FromSeconds(10));
        await using var next = await ConnectAsync();
        Assert.Equal("session.created", RealtimeClient.Type(await next.NextAsync()));
    }
}
