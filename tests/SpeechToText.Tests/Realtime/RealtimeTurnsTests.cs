using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Faults;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Realtime;

/// <summary>Server VAD on real speech, G.711 input, the beta shape, metering per turn, client secrets and the client leaving.</summary>
[Collection(RealtimeServerCollection.Name)]
public sealed class RealtimeTurnsTests(RealtimeServerFixture fixture)
{
    private Task<RealtimeClient> ConnectAsync(string? key = RealtimeServerFixture.Key, bool subprotocol = false) =>
        RealtimeClient.ConnectAsync(fixture.WebSocketUrl, key, subprotocol);


    [Fact]
    public async Task Server_vad_on_speech_with_pauses_makes_one_turn_per_phrase()
    {
        var first = RealtimeAudio.Phrase(RealtimeAudio.FirstPhrase, 24_000);
        var second = RealtimeAudio.Phrase(RealtimeAudio.SecondPhrase, 24_000);
        var audio = RealtimeAudio.Concat(RealtimeAudio.Silence(1.0), first, RealtimeAudio.Silence(1.5), second, RealtimeAudio.Silence(1.5));
        await using var client = await ConnectAsync();
        // The default session: server VAD, 500 ms of silence ends a turn.
        await client.WaitForAsync("session.created");
        await client.AppendPcmAsync(audio);
        var done1 = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        var done2 = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");

        var types = client.Events.Select(RealtimeClient.Type).ToList();
        var started = client.Events.Where(e => RealtimeClient.Type(e) == "input_audio_buffer.speech_started").ToList();
        var stopped = client.Events.Where(e => RealtimeClient.Type(e) == "input_audio_buffer.speech_stopped").ToList();
        var committed = client.Events.Where(e => RealtimeClient.Type(e) == "input_audio_buffer.committed").ToList();
        Assert.True(started.Count == 2 && stopped.Count == 2 && committed.Count == 2, string.Join(", ", types));
        // Speech starts where the phrases start (within the VAD's step and padding), in the session's audio time.
        long firstStart = started[0].GetProperty("audio_start_ms").GetInt64();
        long secondStart = started[1].GetProperty("audio_start_ms").GetInt64();
        Assert.InRange(firstStart, 700, 1400);
        long expectedSecond = 1000 + first.Length * 1000L / 24_000 + 1500;
        Assert.InRange(secondStart, expectedSecond - 300, expectedSecond + 400);
        Assert.True(stopped[0].GetProperty("audio_end_ms").GetInt64() > firstStart);
        for (int i = 0; i < 2; i++)
        {
            var item = started[i].GetProperty("item_id").GetString();
            Assert.Equal(item, stopped[i].GetProperty("item_id").GetString());
            Assert.Equal(item, committed[i].GetProperty("item_id").GetString());
            Assert.True(client.Events.ToList().IndexOf(started[i]) < client.Events.ToList().IndexOf(stopped[i]));
        }
        Assert.Equal(committed[0].GetProperty("item_id").GetString(), committed[1].GetProperty("previous_item_id").GetString());
        Assert.Equal(committed[0].GetProperty("item_id").GetString(), done1.GetProperty("item_id").GetString());
        Assert.Equal(committed[1].GetProperty("item_id").GetString(), done2.GetProperty("item_id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(done1.GetProperty("transcript").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(done2.GetProperty("transcript").GetString()));
    }

    /// <summary>G.711 encoding by the standard's compression rules (the service only decodes; the test encodes).</summary>
    private static byte MuLaw(short sample)
    {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.Min(Math.Abs((int)sample), 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    private static byte ALaw(short sample)
    {
        int sign = sample >= 0 ? 0x80 : 0;
        int magnitude = Math.Min(sample == short.MinValue ? 32767 : Math.Abs((int)sample), 32767) >> 3;
        int exponent = 0;
        while (magnitude >= 32 << exponent && exponent < 7)
        {
            exponent++;
        }
        int mantissa = exponent == 0 ? magnitude >> 1 : (magnitude >> exponent) & 0x0F;
        return (byte)((sign | (exponent << 4) | mantissa) ^ 0x55);
    }

    [Theory]
    [InlineData("audio/pcmu", "g711_ulaw")]
    [InlineData("audio/pcma", "g711_alaw")]
    public async Task G711_input_is_decoded_and_transcribed_like_the_same_audio_as_an_8_khz_wav(string gaFormat, string betaFormat)
    {
        var speech = RealtimeAudio.Phrase(AudioSamples.SpeechText, 8_000);
        Func<short, byte> encode = gaFormat == "audio/pcmu" ? MuLaw : ALaw;
        var encoded = speech.Select(encode).ToArray();
        var decoded = new short[encoded.Length];
        Core.Realtime.G711.Decode(encoded, decoded, gaFormat == "audio/pcmu" ? Core.Realtime.RealtimeAudioFormat.Pcmu : Core.Realtime.RealtimeAudioFormat.Pcma);
        var expected = await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, decoded, 8_000);

        foreach (var beta in new[] { false, true })
        {
            await using var client = await ConnectAsync();
            await client.WaitForAsync("session.created");
            if (beta)
            {
                await client.SendAsync(new { type = "transcription_session.update", session = new { input_audio_format = betaFormat, turn_detection = (object?)null } });
                var updated = (await client.WaitForAsync("transcription_session.updated")).GetProperty("session");
                Assert.Equal(betaFormat, updated.GetProperty("input_audio_format").GetString());
                Assert.Equal("whisper-1", updated.GetProperty("input_audio_transcription").GetProperty("model").GetString());
            }
            else
            {
                await client.SendAsync(new { type = "session.update", session = new { type = "transcription", audio = new { input = new { format = new { type = gaFormat }, turn_detection = (object?)null } } } });
                var updated = (await client.WaitForAsync("session.updated")).GetProperty("session");
                Assert.Equal(gaFormat, updated.GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("type").GetString());
            }
            for (int i = 0; i < encoded.Length; i += 800)
            {
                await client.AppendBytesAsync(encoded.AsSpan(i, Math.Min(800, encoded.Length - i)).ToArray());
            }
            await client.SendAsync(new { type = "input_audio_buffer.commit" });
            var completed = await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
            Assert.Equal(expected, completed.GetProperty("transcript").GetString());
        }
    }

    [Fact]
    public void The_test_encoders_round_trip_through_the_service_decoder_within_g711_precision()
    {
        foreach (short s in new short[] { 0, 1, -1, 100, -100, 1000, -1000, 12345, -12345, 32000, -32000 })
        {
            var mu = new short[1];
            Core.Realtime.G711.Decode([MuLaw(s)], mu, Core.Realtime.RealtimeAudioFormat.Pcmu);
            var a = new short[1];
            Core.Realtime.G711.Decode([ALaw(s)], a, Core.Realtime.RealtimeAudioFormat.Pcma);
            double tolerance = Math.Max(16, Math.Abs((int)s) / 16.0);
            Assert.InRange(mu[0], s - tolerance, s + tolerance);
            Assert.InRange(a[0], s - tolerance, s + tolerance);
        }
    }

    [Fact]
    public async Task Each_turn_is_metered_once_as_realtime_under_the_key()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync(new { type = "session.update", session = new { audio = new { input = new { turn_detection = (object?)null } } } });
        await client.WaitForAsync("session.updated");
        await client.AppendPcmAsync(RealtimeAudio.Speech24k);
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        var itemId = (await client.WaitForAsync("input_audio_buffer.committed")).GetProperty("item_id").GetString()!;
        await client.WaitForAsync("conversation.item.input_audio_transcription.completed");
        // An empty commit is not a turn: no record for it.
        await client.SendAsync(new { type = "input_audio_buffer.commit" });
        await client.WaitForAsync("error");

        UsageRecord? record = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (record is null && DateTime.UtcNow < deadline)
        {
            var lines = Directory.Exists(fixture.UsageFolder)
                ? Directory.EnumerateFiles(fixture.UsageFolder, "*.jsonl", SearchOption.AllDirectories).SelectMany(File.ReadAllLines).ToList()
                : [];
            var matching = lines.Select(UsageRecord.FromJsonLine).Where(r => r?.Id == itemId).ToList();
            Assert.True(matching.Count <= 1, $"{matching.Count} records for one turn");
            record = matching.SingleOrDefault();
            await Task.Delay(200);
        }
        Assert.NotNull(record);
        Assert.Equal(UsageRecord.Realtime, record.Operation);
        Assert.Equal("realtime", record.KeyId);
        Assert.Equal("whisper-1", record.Model);
        Assert.Equal(200, record.Status);
        Assert.Equal(RealtimeAudio.Speech24k.Length / 24000.0, record.AudioSeconds, 2);
        Assert.Equal("whisper.cpp", record.Backend);
    }

    [Fact]
    public async Task A_client_secret_opens_a_session_under_its_key_and_nothing_else()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/realtime/client_secrets")
        {
            Content = JsonContent.Create(new
            {
                expires_after = new { anchor = "created_at", seconds = 30 },
                session = new { type = "transcription", audio = new { input = new { format = new { type = "audio/pcmu" }, turn_detection = (object?)null } } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RealtimeServerFixture.Key);
        using var response = await fixture.Server.Client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var secret = body.GetProperty("value").GetString()!;
        Assert.StartsWith("ek_", secret);
        var expiresAt = body.GetProperty("expires_at").GetInt64();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 25, 31);
        Assert.Equal("audio/pcmu", body.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("type").GetString());

        // The browser way: the secret in the subprotocol; the session starts with the configuration the secret carries.
        await using (var client = await ConnectAsync(secret, subprotocol: true))
        {
            var created = await client.WaitForAsync("session.created");
            Assert.Equal("audio/pcmu", created.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("type").GetString());
        }

        // Not a key: the file endpoint and the secrets endpoint refuse it.
        using var upload = Multipart.Form(WavWriter.FromPcm16(RealtimeAudio.Speech24k, 24_000), "a.wav", "whisper-1");
        using var fileCall = new HttpRequestMessage(HttpMethod.Post, "v1/audio/transcriptions") { Content = upload };
        fileCall.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var refused = await fixture.Server.Client.SendAsync(fileCall))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using var mint = new HttpRequestMessage(HttpMethod.Post, "v1/realtime/client_secrets") { Content = JsonContent.Create(new { }) };
        mint.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var refused = await fixture.Server.Client.SendAsync(mint))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    [Fact]
    public async Task An_expired_or_unknown_client_secret_is_refused_before_the_upgrade()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/realtime/client_secrets")
        {
            Content = JsonContent.Create(new { expires_after = new { anchor = "created_at", seconds = 10 } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RealtimeServerFixture.Key);
        using var response = await fixture.Server.Client.SendAsync(request);
        var secret = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("value").GetString()!;
        await using (var client = await ConnectAsync(secret))
        {
            await client.WaitForAsync("session.created");
        }
        foreach (var (presented, wait) in new[] { ("ek_" + new string('x', 40), TimeSpan.Zero), (secret, TimeSpan.FromSeconds(10.5)) })
        {
            await Task.Delay(wait);
            var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.SetRequestHeader("Authorization", "Bearer " + presented);
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(fixture.WebSocketUrl, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }
    }

    [Theory]
    [InlineData("""{"expires_after":{"anchor":"created_at","seconds":5}}""", "expires_after.seconds")]
    [InlineData("""{"expires_after":{"anchor":"now","seconds":60}}""", "expires_after.anchor")]
    [InlineData("""{"session":{"audio":{"input":{"transcription":{"model":"nope"}}}}}""", "session.audio.input.transcription.model")]
    [InlineData("""not json""", null)]
    public async Task A_bad_client_secret_request_is_a_400_naming_the_field(string json, string? param)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/realtime/client_secrets")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RealtimeServerFixture.Key);
        using var response = await fixture.Server.Client.SendAsync(request);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        if (param is null)
        {
            Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        }
        else
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }
    }

    [Fact]
    public async Task The_beta_transcription_sessions_endpoint_answers_the_session_with_its_secret()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/realtime/transcription_sessions")
        {
            Content = JsonContent.Create(new { input_audio_format = "pcm16", input_audio_transcription = new { model = "whisper-1", language = "en" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RealtimeServerFixture.Key);
        using var response = await fixture.Server.Client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("realtime.transcription_session", body.GetProperty("object").GetString());
        Assert.Equal("en", body.GetProperty("input_audio_transcription").GetProperty("language").GetString());
        Assert.StartsWith("ek_", body.GetProperty("client_secret").GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_key_past_its_session_limit_gets_a_429_before_the_upgrade()
    {
        var open = new List<RealtimeClient>();
        try
        {
            // Realtime:MaxSessionsPerKey is 4 on this server; other tests' sessions may hold some, so open until refused.
            HttpStatusCode? refusal = null;
            for (int i = 0; i < 6 && refusal is null; i++)
            {
                var socket = new ClientWebSocket();
                socket.Options.CollectHttpResponseDetails = true;
                socket.Options.SetRequestHeader("Authorization", "Bearer " + RealtimeServerFixture.AdminKey);
                try
                {
                    await socket.ConnectAsync(fixture.WebSocketUrl, CancellationToken.None);
                    open.Add(await WrapAsync(socket));
                }
                catch (WebSocketException)
                {
                    refusal = socket.HttpStatusCode;
                }
            }
            Assert.Equal(HttpStatusCode.TooManyRequests, refusal);
            Assert.Equal(4, open.Count);
        }
        finally
        {
            foreach (var c in open)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static Task<RealtimeClient> WrapAsync(ClientWebSocket socket) => RealtimeClient.WrapAsync(socket);
}
