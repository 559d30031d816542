#pragma warning disable OPENAI001 // diarization and streaming transcription are experimental in the SDK
using System.ClientModel;
using System.Diagnostics;
using System.Text.Json;
using OpenAI.Audio;
using OpenAI;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>Unmodified official OpenAI SDKs (.NET 2.15.0, Node) against the service's Azure OpenAI-backed models.</summary>
[Collection(AzureStreamingCollection.Name)]
public class AzureSdkConformanceTests(AzureServerFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    private AudioClient Client(string model) => new(model, new ApiKeyCredential("sk-unused"),
        new OpenAIClientOptions { Endpoint = new Uri(Host.Server.BaseUrl, "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });

    [Fact]
    public async Task Dotnet_sdk_transcribes_with_gpt4o_transcribe_with_usage_and_logprobs()
    {
        Host.Fake.Clear();
        AudioTranscription result = await Client("gpt-4o-transcribe").TranscribeAudioAsync(AudioSamples.Shared.Wav16kMonoS16,
            new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Simple, Includes = AudioTranscriptionIncludes.Logprobs, Language = "en" });
        Assert.Equal("Hello from aoai-4o. This is a fake transcript.", result.Text);
        Assert.Equal(8, result.TranscriptionTokenLogProbabilities.Count);
        var usage = Assert.IsType<AudioTranscriptionTokenUsage>(result.Usage);
        Assert.Equal(40, usage.InputTokenCount);
        Assert.Equal(8, usage.OutputTokenCount);
        var sent = Assert.Single(Host.Fake.Requests);
        Assert.Equal("aoai-4o", sent.Field("model"));
        Assert.Equal(File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16), sent.FileBytes);
    }

    [Fact]
    public async Task Dotnet_sdk_diarizes()
    {
        Host.Fake.Clear();
        // The SDK does not send response_format=diarized_json by itself.
        var options = new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Diarized,
            ChunkingStrategy = new AudioTranscriptionChunkingStrategy(AudioTranscriptionDefaultChunkingStrategy.Auto),
        };
        options.KnownSpeakerNames.Add("agent");
        options.KnownSpeakerReferenceUris.Add("data:audio/wav;base64,UklGRg==");
        using var audio = File.OpenRead(AudioSamples.Shared.Wav16kMonoS16);
        DiarizedAudioTranscription result = await Client("gpt-4o-transcribe-diarize").TranscribeAudioDiarizedAsync(audio, "clip.wav", options);
        Assert.Equal(["A", "B"], result.Segments.Select(s => s.SpeakerLabel));
        Assert.Equal(["seg_0", "seg_1"], result.Segments.Select(s => s.Id));
        Assert.Equal("Hello from aoai-diarize. This is a fake transcript.", result.Text);
        Assert.Equal(TimeSpan.FromSeconds(4), result.Duration);
        var sent = Assert.Single(Host.Fake.Requests);
        Assert.Equal("diarized_json", sent.Field("response_format"));
        Assert.Equal(["agent"], sent.Fields["known_speaker_names[]"]);
    }

    [Fact]
    public async Task Dotnet_sdk_streams_with_gpt4o_mini_transcribe()
    {
        Host.Fake.Clear();
        var deltas = new List<string>();
        StreamingAudioTranscriptionTextDoneUpdate? done = null;
        using var audio = File.OpenRead(AudioSamples.Shared.Wav16kMonoS16);
        await foreach (var update in await Client("gpt-4o-mini-transcribe").TranscribeAudioStreamingAsync(audio, "clip.wav",
            new AudioTranscriptionOptions { Includes = AudioTranscriptionIncludes.Logprobs }))
        {
            switch (update)
            {
                case StreamingAudioTranscriptionTextDeltaUpdate d:
                    deltas.Add(d.Delta);
                    Assert.Single(d.TranscriptionTokenLogProbabilities);
                    break;
                case StreamingAudioTranscriptionTextDoneUpdate d:
                    done = d;
                    break;
            }
        }
        Assert.NotNull(done);
        Assert.Equal(8, deltas.Count);
        Assert.Equal("Hello from aoai-4o-mini. This is a fake transcript.", string.Concat(deltas));
        Assert.Equal(string.Concat(deltas), done.Text);
        Assert.Equal(40, done.Usage.InputTokenDetails.AudioTokenCount);
        Assert.Equal(8, done.TranscriptionTokenLogProbabilities.Count);
        Assert.Equal("true", Assert.Single(Host.Fake.Requests).Field("stream"));
    }

    [Fact]
    public async Task Dotnet_sdk_surfaces_an_upstream_failure_as_a_server_error()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(500).Always());
        var client = new AudioClient("gpt-4o-transcribe", new ApiKeyCredential("sk-unused"),
            new OpenAIClientOptions { Endpoint = new Uri(Host.Server.BaseUrl, "v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });
        var e = await Assert.ThrowsAsync<ClientResultException>(() => client.TranscribeAudioAsync(AudioSamples.Shared.Wav16kMonoS16));
        Assert.Equal(502, e.Status);
        Assert.Contains(Host.Fake.Requests[^1].RequestId, e.Message);
        Host.Fake.Clear();
    }

    [Fact]
    public async Task Node_sdk_transcribes_and_streams_from_gpt4o_transcribe()
    {
        Host.Fake.Clear();
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "node", "azure-conformance.mjs"));
        psi.ArgumentList.Add(new Uri(Host.Server.BaseUrl, "v1").ToString());
        psi.ArgumentList.Add(AudioSamples.Shared.OggOpus);
        psi.ArgumentList.Add("gpt-4o-transcribe");
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(node.ExitCode == 0, await stderr);
        using var doc = JsonDocument.Parse(await stdout);
        var json = doc.RootElement.GetProperty("json");
        Assert.Equal("Hello from aoai-4o. This is a fake transcript.", json.GetProperty("text").GetString());
        Assert.Equal(8, json.GetProperty("logprobs").GetArrayLength());
        Assert.Equal("tokens", json.GetProperty("usage").GetProperty("type").GetString());

        var events = doc.RootElement.GetProperty("stream").EnumerateArray().ToList();
        Assert.Equal(9, events.Count);
        Assert.All(events[..^1], e => Assert.Equal("transcript.text.delta", e.GetProperty("type").GetString()));
        var done = events[^1];
        Assert.Equal("transcript.text.done", done.GetProperty("type").GetString());
        Assert.Equal(string.Concat(events[..^1].Select(e => e.GetProperty("delta").GetString())), done.GetProperty("text").GetString());
        Assert.Equal(["json", "stream"], Host.Fake.Requests.Select(r => r.Field("stream") == "true" ? "stream" : "json"));
    }
}
