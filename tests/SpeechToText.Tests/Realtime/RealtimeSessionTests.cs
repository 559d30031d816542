using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using SpeechToText.Core.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Realtime;

/// <summary>Transcription sessions over a raw WebSocket against the real server and engine: events, order and fields.</summary>
[Collection(RealtimeServerCollection.Name)]
public sealed class RealtimeSessionTests(RealtimeServerFixture fixture)
{
    private Task<RealtimeClient> ConnectAsync(bool subprotocol = false) =>
        RealtimeClient.ConnectAsync(fixture.WebSocketUrl, RealtimeServerFixture.Key, subprotocol);

    /// <summary>Manual turns: the client commits (what the Vercel AI SDK and most push-to-talk clients do).</summary>
    private static Task ManualTurnsAsync(RealtimeClient client) => client.SendAsync(new
    {
        type = "session.update",
        session = new { type = "transcription", audio = new { input = new { format = new { type = "audio/pcm", rate = 24000 }, turn_detection = (object?)null } } },
    });


    [Fact]
    public async Task A_session_starts_with_session_created_in_the_GA_shape()
    {
        await using var client = await ConnectAsync();
        var created = await client.NextAsync();
        Assert.Equal("session.created", RealtimeClient.Type(created));
        Assert.StartsWith("event_", created.GetProperty("event_id").GetString());
        var session = created.GetProperty("session");
        Assert.Equal("transcription", session.GetProperty("type").GetString());
        Assert.StartsWith("sess_", session.GetProperty("id").GetString());
        var input = session.GetProperty("audio").GetProperty("input");
        Assert.Equal("audio/pcm", input.GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(24000, input.GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("whisper-1", input.GetProperty("transcription").GetProperty("model").GetString());
        Assert.Equal("server_vad", input.GetProperty("turn_detection").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, input.GetProperty("noise_reduction").ValueKind);
    }

    [Fact]
    public async Task The_browser_subprotocol_carries_the_key_and_is_answered_with_realtime()
    {
        await using var client = await ConnectAsync(subprotocol: true);
        Assert.Equal("realtime", client.Socket.SubProtocol);
        Assert.Equal("session.created", RealtimeClient.Type(await client.NextAsync()));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("wrong-key", false)]
    [InlineData("wrong-key", true)]
    public async Task Without_a_valid_key_the_upgrade_is_refused_with_401(string? key, bool subprotocol)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (subprotocol)
        {
            socket.Options.AddSubProtocol("realtime");
            socket.Options.AddSubProtocol("openai-insecure-api-key." + key);
        }
        else if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(fixture.WebSocketUrl, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task A_plain_get_or_a_conversation_intent_is_a_400_in_the_envelope()
    {
        using var plain = new HttpRequestMessage(HttpMethod.Get, "v1/realtime?intent=transcription");
        plain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RealtimeServerFixture.Key);
        using var response = await fixture.Server.Client.SendAsync(plain);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("websocket_required", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());

        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + RealtimeServerFixture.Key);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{fixture.Server.BaseUrl.Authority}/v1/realtime?model=gpt-realtime"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task A_committed_turn_is_transcribed_like_the_same_audio_posted_to_the_file_endpoint()
    {
        var speech = RealtimeAudio.Speech24k;
        var expected = await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, speech);
        await using var client = await ConnectAsync();
        await client.WaitForAsync("session.created");
        await ManualTurnsAsync(client);
        var updated = await client.WaitForAsync("session.updated");
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);

        await client.AppendPcmAsync(speech);
        await client.SendAsync(new { type = "input_audio_buffer.commit", event_id = "client_commit_1" });
        var committed = await client.WaitForAsync("input_audio_buffer.committed");
        var itemId = committed.GetProperty("item_id").GetString()!;
        Assert.StartsWith("item_", itemId);
        Assert.Equal(JsonValueKind.Null, committed.GetProperty("previous_item_id").ValueKind);

        var completed = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        Assert.Equal(itemId, completed.GetProperty("item_id").GetString());
        Assert.Equal(0, completed.GetProperty("content_index").GetInt32());
        Assert.Equal(expected, completed.GetProperty("transcript").GetString());
        var usage = completed.GetProperty("usage");
        Assert.Equal("duration", usage.GetProperty("type").GetString());
        Assert.Equal((long)Math.Ceiling(speech.Length / 24000.0), usage.GetProperty("seconds").GetInt64());

        // Deltas came first, for this item, and add up to the transcript.
        var deltas = client.Events.Where(e => RealtimeClient.Type(e) == "conversation.item.input_audio_transcription.delta").ToList();
        Assert.NotEmpty(deltas);
        Assert.All(deltas, d => Assert.Equal(itemId, d.GetProperty("item_id").GetString()));
        Assert.Equal(expected.Trim(), string.Concat(deltas.Select(d => d.GetProperty("delta").GetString())).Trim());
        Assert.All(client.Events, e => Assert.StartsWith("event_", e.GetProperty("event_id").GetString()));
    }

    [Fact]
    public async Task Turns_are_chained_by_previous_item_id_and_transcribed_in_order()
    {
        var first = RealtimeAudio.Phrase(RealtimeAudio.FirstPhrase, 24_000);
        var second = RealtimeAudio.Phrase(RealtimeAudio.SecondPhrase, 24_000);
        await using var client = await ConnectAsync();
        await ManualTurnsAsync(client);
        await client.WaitForAsync("session.updated");
        await client.AppendPcmAsync(first);
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        await client.AppendPcmAsync(second);
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        var c1 = await client.WaitForAsync("input_audio_buffer.committed");
        var c2 = await client.WaitForAsync("input_audio_buffer.committed");
        Assert.Equal(c1.GetProperty("item_id").GetString(), c2.GetProperty("previous_item_id").GetString());
        var done1 = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        var done2 = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        Assert.Equal(c1.GetProperty("item_id").GetString(), done1.GetProperty("item_id").GetString());
        Assert.Equal(c2.GetProperty("item_id").GetString(), done2.GetProperty("item_id").GetString());
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, first), done1.GetProperty("transcript").GetString());
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, second), done2.GetProperty("transcript").GetString());
    }

    [Fact]
    public async Task Clear_empties_the_buffer_and_an_empty_commit_is_an_error_event()
    {
        await using var client = await ConnectAsync();
        await ManualTurnsAsync(client);
        await client.WaitForAsync("session.updated");
        await client.AppendPcmAsync(RealtimeAudio.Silence(0.5));
        await client.SendAsync(new { type = "input_audio_buffer.clear" });
        await client.WaitForAsync("input_audio_buffer.cleared");
        await client.SendAsync(new { type = "input_audio_buffer.commit", event_id = "evt_empty" });
        var error = (await client.WaitForAsync("error")).GetProperty("error");
        Assert.Equal("input_audio_buffer_commit_empty", error.GetProperty("code").GetString());
        Assert.Equal("evt_empty", error.GetProperty("event_id").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "{not json", "invalid_json" },
        { "[1,2,3]", "invalid_json" },
        { """{"event_id":"e1"}""", "missing_required_parameter" },
        { """{"type":"response.create","event_id":"e2"}""", "unknown_event_type" },
        { """{"type":"input_audio_buffer.append","audio":"%%%not-base64%%%"}""", "invalid_base64" },
        { """{"type":"input_audio_buffer.append","audio":12}""", "missing_required_parameter" },
        { """{"type":"session.update","session":5}""", "invalid_type" },
        { """{"type":"session.update","session":{"audio":{"input":{"format":{"type":"audio/flac"}}}}}""", "unsupported_value" },
        { """{"type":"session.update","session":{"audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}}""", "unsupported_value" },
        { """{"type":"session.update","session":{"audio":{"input":{"turn_detection":{"type":"server_vad","threshold":"high"}}}}}""", "invalid_type" },
        { """{"type":"session.update","session":{"audio":{"input":{"transcription":{"model":"no-such-model"}}}}}""", "model_not_found" },
        { """{"type":"session.update","session":{"audio":{"input":{"transcription":{"language":"xx"}}}}}""", "invalid_value" },
        { """{"type":"session.update","session":{"audio":{"input":{"transcription":{"languages":["en","zz"]}}}}}""", "invalid_value" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_bad_client_event_gets_an_error_event_and_the_session_goes_on(string text, string code)
    {
        await using var client = await ConnectAsync();
        await client.WaitForAsync("session.created");
        await client.SendTextAsync(text);
        var error = (await client.WaitForAsync("error")).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        // Still serving: an update answers.
        await ManualTurnsAsync(client);
        await client.WaitForAsync("session.updated");
    }

    [Fact]
    public async Task Binary_frames_and_oversized_events_are_refused_without_ending_the_session()
    {
        await using var client = await ConnectAsync();
        await ManualTurnsAsync(client);
        await client.WaitForAsync("session.updated");
        await client.SendBinaryAsync(new byte[1000]);
        Assert.Equal("invalid_frame", (await client.WaitForAsync("error")).GetProperty("error").GetProperty("code").GetString());
        // One append over the event limit (sent in many frames by the client library).
        var huge = new byte[RealtimeServerFixture.MaxEventBytes];
        await client.AppendBytesAsync(huge);
        Assert.Equal("event_too_large", (await client.WaitForAsync("error")).GetProperty("error").GetProperty("code").GetString());
        await client.AppendPcmAsync(RealtimeAudio.Speech24k);
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
    }

    [Fact]
    public async Task Appends_that_split_samples_in_odd_byte_counts_give_the_same_turn()
    {
        var speech = RealtimeAudio.Speech24k;
        var bytes = new byte[speech.Length * 2];
        Buffer.BlockCopy(speech, 0, bytes, 0, bytes.Length);
        await using var client = await ConnectAsync();
        await ManualTurnsAsync(client);
        await client.WaitForAsync("session.updated");
        // 4801, 4799, 4801, ... bytes: every other append ends in the middle of a sample, as a byte stream cut anywhere would.
        // The session takes them (no error, one turn); that the samples come out byte-exact is Pcm16AssemblerTests'
        // to show: with the synthetic model's random weights a transcript does not reveal swapped bytes.
        for (int i = 0, n = 0; i < bytes.Length; n++)
        {
            int size = Math.Min(n % 2 == 0 ? 4801 : 4799, bytes.Length - i);
            await client.AppendBytesAsync(bytes.AsSpan(i, size).ToArray());
            i += size;
        }
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        var completed = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, speech), completed.GetProperty("transcript").GetString());
        Assert.DoesNotContain(client.Events, e => RealtimeClient.Type(e) == "error");
    }

    [Fact]
    public async Task Ten_thousand_tiny_appends_are_one_turn()
    {
        var speech = RealtimeAudio.Speech24k;
        await using var client = await ConnectAsync();
        await ManualTurnsAsync(client);
        await client.WaitForAsync("session.updated");
        int piece = Math.Max(1, speech.Length / 10_000);
        for (int i = 0; i < speech.Length; i += piece)
        {
            var part = speech.AsSpan(i, Math.Min(piece, speech.Length - i)).ToArray();
            var bytes = new byte[part.Length * 2];
            Buffer.BlockCopy(part, 0, bytes, 0, bytes.Length);
            await client.AppendBytesAsync(bytes);
        }
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        var completed = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, speech), completed.GetProperty("transcript").GetString());
        Assert.DoesNotContain(client.Events, e => RealtimeClient.Type(e) == "error");
    }
}
