// The realtime client of the official OpenAI .NET SDK is marked experimental in 2.15.0.
#pragma warning disable OPENAI002
using System.ClientModel;
using System.Text.Json;
using OpenAI.Realtime;
using SdkRealtimeClient = OpenAI.Realtime.RealtimeClient;
using SpeechToText.Core.Audio;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Realtime;

/// <summary>The official OpenAI .NET SDK's realtime client: a transcription session with a key, and one opened with a client secret.</summary>
[Collection(RealtimeServerCollection.Name)]
public sealed class RealtimeDotnetSdkTests(RealtimeServerFixture fixture)
{
    private SdkRealtimeClient Client(string key) =>
        new(new ApiKeyCredential(key), new RealtimeClientOptions { Endpoint = new Uri(fixture.Server.BaseUrl, "v1") });


    private static async Task<(string Transcript, List<string> Deltas)> TranscribeAsync(RealtimeSessionClient session, short[] speech)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // Manual turns, in the GA shape, as a raw command: the typed options are not what this test is about.
        await session.SendCommandAsync(BinaryData.FromString("""{"type":"session.update","session":{"type":"transcription","audio":{"input":{"turn_detection":null}}}}"""), null);
        var pcm = new byte[speech.Length * 2];
        Buffer.BlockCopy(speech, 0, pcm, 0, pcm.Length);
        await session.SendInputAudioAsync(BinaryData.FromBytes(pcm), timeout.Token);
        await session.CommitPendingAudioAsync(timeout.Token);
        var deltas = new List<string>();
        await foreach (var update in session.ReceiveUpdatesAsync(timeout.Token))
        {
            switch (update)
            {
                case RealtimeServerUpdateConversationItemInputAudioTranscriptionDelta delta:
                    deltas.Add(delta.Delta);
                    break;
                case RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted completed:
                    return (completed.Transcript, deltas);
                case RealtimeServerUpdateConversationItemInputAudioTranscriptionFailed failed:
                    Assert.Fail($"turn failed: {failed}");
                    break;
            }
        }
        throw new InvalidOperationException("the session ended without a completed transcription");
    }

    [Fact]
    public async Task A_transcription_session_with_an_api_key()
    {
        var speech = RealtimeAudio.Speech24k;
        using var session = await Client(RealtimeServerFixture.Key).StartTranscriptionSessionAsync();
        var (transcript, deltas) = await TranscribeAsync(session, speech);
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, speech), transcript);
        Assert.NotEmpty(deltas);
    }

    [Fact]
    public async Task A_client_secret_minted_and_used_through_the_sdk()
    {
        var speech = RealtimeAudio.Speech24k;
        var minted = await Client(RealtimeServerFixture.Key).CreateRealtimeClientSecretAsync(new CreateClientSecretOptions());
        Assert.StartsWith("ek_", minted.Value.Value);
        Assert.True(minted.Value.ExpiresAt > DateTimeOffset.UtcNow);
        // The browser's position: no API key at all, only the secret.
        using var session = await Client("no-key").StartTranscriptionSessionAsync(new RealtimeSessionClientOptions { ClientSecret = minted.Value.Value });
        var (transcript, _) = await TranscribeAsync(session, speech);
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, speech), transcript);
    }
}
