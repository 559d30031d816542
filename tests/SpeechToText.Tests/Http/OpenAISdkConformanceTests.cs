#pragma warning disable OPENAI001 // streaming transcription is marked experimental in the SDK
using System.ClientModel;
using System.Diagnostics;
using System.Text.Json;
using OpenAI.Audio;
using OpenAI;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

/// <summary>
/// Unmodified official OpenAI clients against the real server: the .NET SDK (NuGet OpenAI 2.15.0) for
/// every format, and the Node SDK (npm openai) for json, verbose_json, text, translations and streaming.
/// </summary>
[Collection(LocalServerCollection.Name)]
public class OpenAISdkConformanceTests(LocalServerFixture fixture)
{
    private static AudioSamples Samples => AudioSamples.Shared;

    private AudioClient Client(string model = "whisper-1") => new(model, new ApiKeyCredential("sk-unused"),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.BaseUrl, "v1"), NetworkTimeout = TimeSpan.FromMinutes(2) });

    [Theory]
    [InlineData("Simple")]
    [InlineData("Text")]
    [InlineData("Srt")]
    [InlineData("Vtt")]
    [InlineData("Verbose")]
    public async Task Dotnet_sdk_transcribes_in_every_format(string format)
    {
        var options = new AudioTranscriptionOptions
        {
            ResponseFormat = format switch
            {
                "Simple" => AudioTranscriptionFormat.Simple,
                "Text" => AudioTranscriptionFormat.Text,
                "Srt" => AudioTranscriptionFormat.Srt,
                "Vtt" => AudioTranscriptionFormat.Vtt,
                _ => AudioTranscriptionFormat.Verbose,
            },
            Language = "en",
            Temperature = 0,
        };
        if (format == "Verbose")
        {
            options.TimestampGranularities = AudioTimestampGranularities.Word | AudioTimestampGranularities.Segment;
        }
        AudioTranscription result = await Client().TranscribeAudioAsync(Samples.Mp3, options);
        Assert.NotNull(result.Text);
        if (format == "Verbose")
        {
            Assert.Equal("english", result.Language);
            Assert.Equal(Samples.SpeechSeconds, result.Duration!.Value.TotalSeconds, 0.1);
            Assert.All(result.Segments, s => Assert.True(s.EndTime >= s.StartTime && s.EndTime <= result.Duration!.Value + TimeSpan.FromMilliseconds(11)));
            Assert.All(result.Words, w => Assert.True(w.EndTime >= w.StartTime));
        }
        if (format is "Srt")
        {
            Assert.Matches(@"^(\d+\n\d\d:\d\d:\d\d,\d{3} --> [^\n]+\n[^\n]*\n\n)*$", result.Text);
        }
        if (format is "Vtt")
        {
            Assert.StartsWith("WEBVTT", result.Text);
        }
    }

    [Fact]
    public async Task Dotnet_sdk_translates()
    {
        AudioTranslation result = await Client().TranslateAudioAsync(Samples.Flac, new AudioTranslationOptions { ResponseFormat = AudioTranslationFormat.Verbose });
        Assert.Equal("english", result.Language);
        Assert.NotNull(result.Text);
    }

    [Fact]
    public async Task Dotnet_sdk_streams_deltas_and_done()
    {
        // The .NET SDK refuses to stream from models named whisper* unless told to (OpenAI's hosted whisper-1
        // ignores stream=true); this service's local whisper streams, so opt in the way the SDK documents.
        Environment.SetEnvironmentVariable("OPENAI_ENABLE_TRANSCRIPTION_SSE_STREAMING", "true");
        var deltas = new List<string>();
        string? done = null;
        using var audio = File.OpenRead(Samples.Wav16kMonoS16);
        var updates = await Client().TranscribeAudioStreamingAsync(audio, "clip.wav", new AudioTranscriptionOptions());
        await foreach (var update in updates)
        {
            switch (update)
            {
                case StreamingAudioTranscriptionTextDeltaUpdate d:
                    deltas.Add(d.Delta);
                    break;
                case StreamingAudioTranscriptionTextDoneUpdate d:
                    done = d.Text;
                    break;
            }
        }
        Assert.NotNull(done);
        Assert.Equal(string.Concat(deltas).Trim(), done);
    }

    [Fact]
    public async Task Dotnet_sdk_surfaces_the_error_envelope()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client("no-such-model").TranscribeAudioAsync(Samples.Wav16kMonoS16));
        Assert.Equal(404, e.Status);
        Assert.Contains("no-such-model", e.Message);
    }

    [Fact]
    public async Task Node_sdk_json_verbose_text_translation_and_streaming()
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "node", "conformance.mjs");
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(new Uri(fixture.Server.BaseUrl, "v1").ToString());
        psi.ArgumentList.Add(Samples.OggOpus);
        psi.ArgumentList.Add("whisper-1");
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(node.ExitCode == 0, await stderr);
        using var doc = JsonDocument.Parse(await stdout);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("json").GetProperty("text").ValueKind);
        Assert.Equal("duration", root.GetProperty("json").GetProperty("usage").GetProperty("type").GetString());
        var verbose = root.GetProperty("verbose_json");
        Assert.Equal("english", verbose.GetProperty("language").GetString());
        HttpApiTests.AssertSegmentsWellFormed(verbose, verbose.GetProperty("duration").GetDouble());
        Assert.Equal(JsonValueKind.Array, verbose.GetProperty("words").ValueKind);
        Assert.EndsWith("\n", root.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.String, root.GetProperty("translation").GetProperty("text").ValueKind);
        var events = root.GetProperty("stream").EnumerateArray().ToList();
        Assert.Equal("transcript.text.done", events[^1].GetProperty("type").GetString());
        Assert.All(events[..^1], e => Assert.Equal("transcript.text.delta", e.GetProperty("type").GetString()));
        Assert.Equal(JsonValueKind.String, root.GetProperty("to_file").GetProperty("text").ValueKind);
        var error = root.GetProperty("error");
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }
}
