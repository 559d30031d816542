using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Http;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;
using Xunit.Abstractions;

namespace SpeechToText.Tests.Hostile;

/// <summary>
/// Mutated versions of valid files in every container. Over real HTTP to the real server every input
/// costs a whisper run when it still decodes (about 0.6 s here), so the bulk goes through the same
/// multipart reader, binder and decoder (real ffmpeg) in process, and a subset over HTTP. Short runs are
/// part of ./test.sh; bench/fuzz.sh runs the same tests with large counts. Environment: STT_FUZZ_COUNT
/// (in-process inputs), STT_FUZZ_HTTP_COUNT, STT_FUZZ_SEED, STT_FUZZ_REPORT (a file the summaries are
/// appended to), STT_FUZZ_FAILURES (a folder where failing inputs are saved for minimising).
/// </summary>
[Collection(HostileServerCollection.Name)]
public class MutationFuzzTests(HostileServerFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSeed = 20261129;

    /// <summary>Answered within this, even a mutation that decodes to the server's 10-minute limit on a loaded machine.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(60);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int value) ? value : fallback;

    private static int Seed => Setting("STT_FUZZ_SEED", DefaultSeed);

    private static MutationFuzzer Fuzzer() => new(Seeds(AudioSamples.Shared), Seed);

    private static IReadOnlyList<FuzzSeed> Seeds(AudioSamples s) =>
    [
        new("wav16k-mono", File.ReadAllBytes(s.Wav16kMonoS16), AudioContainer.Wav),
        new("wav44k-stereo", File.ReadAllBytes(s.Wav44kStereoS16), AudioContainer.Wav),
        new("wav-float32", File.ReadAllBytes(s.WavFloat32), AudioContainer.Wav),
        new("wav-mulaw", File.ReadAllBytes(s.WavMuLaw), AudioContainer.Wav),
        new("mp3", File.ReadAllBytes(s.Mp3), AudioContainer.Mp3),
        new("ogg-vorbis", File.ReadAllBytes(s.OggVorbis), AudioContainer.Ogg),
        new("ogg-opus", File.ReadAllBytes(s.OggOpus), AudioContainer.Ogg),
        new("flac", File.ReadAllBytes(s.Flac), AudioContainer.Flac),
        new("m4a", File.ReadAllBytes(s.M4a), AudioContainer.Mp4),
        new("mp4-moov-end", File.ReadAllBytes(s.Mp4MoovAtEnd), AudioContainer.Mp4),
        new("webm", File.ReadAllBytes(s.Webm), AudioContainer.Webm),
        new("aac-adts", File.ReadAllBytes(s.AacAdts), AudioContainer.Aac),
    ];

    [Fact]
    public async Task Mutated_files_over_http_get_200_or_a_4xx_envelope_and_leave_the_server_clean()
    {
        int count = Setting("STT_FUZZ_HTTP_COUNT", 60);
        var campaign = new FuzzCampaign("over HTTP", Fuzzer(), Seed, fixture.RssBytes);
        // The server's two slots busy and two requests queued, as real traffic would have.
        await campaign.RunAsync(count, concurrency: 4, SendOverHttpAsync);
        output.WriteLine(campaign.Summary);

        await fixture.AssertCleanAsync();
        Assert.True(campaign.Failures.Count == 0, campaign.Summary);
        Assert.True(campaign.MaxRssBytes < HostileServerFixture.MaxRssBytes, campaign.Summary);
        Assert.Equal(count, campaign.Answered);
    }

    [Fact]
    public async Task Mutated_files_through_the_real_reader_binder_and_decoder_are_decoded_or_rejected_with_a_4xx()
    {
        int count = Setting("STT_FUZZ_COUNT", 1000);
        var temp = Path.Combine(Path.GetTempPath(), $"stt-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            // A low spill threshold so the temp-file path of uploads is fuzzed too.
            var api = new ApiOptions { MemoryThresholdBytes = 64 * 1024 };
            var audio = Options.Create(new AudioOptions
            {
                FfmpegPath = AudioSamples.BundledFfmpeg,
                TempDirectory = temp,
                MaxAudioDuration = HostileServerFixture.MaxAudioDuration,
                DecodeTimeout = TimeSpan.FromSeconds(30),
            });
            var decoder = new AudioDecoder(new WavDecoder(audio), new FfmpegDecoder(audio), audio);
            var campaign = new FuzzCampaign("in process", Fuzzer(), Seed, () => HostileServerFixture.RssBytes(Environment.ProcessId));
            await campaign.RunAsync(count, concurrency: 2, input => DecodeInProcessAsync(input, api, temp, decoder));
            output.WriteLine(campaign.Summary);

            Assert.True(campaign.Failures.Count == 0, campaign.Summary);
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
            Assert.Equal(count, campaign.Answered);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private async Task<FuzzOutcome> SendOverHttpAsync(FuzzInput input)
    {
        using var timeout = new CancellationTokenSource(AnswerBound);
        try
        {
            using var response = await fixture.Server.Client.PostAsync(HostileCorpus.TranscriptionsPath,
                Multipart.Form(input.Bytes, "fuzz.bin"), timeout.Token);
            string body = await response.Content.ReadAsStringAsync(timeout.Token);
            int status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return new("200");
            }
            string? code = EnvelopeCode(body);
            return status is >= 400 and < 500 && code is not null
                ? new($"{status} {code}")
                : new($"{status} {code ?? "(no envelope)"}", $"{status}: {body}");
        }
        catch (OperationCanceledException)
        {
            return new("timeout", $"no answer within {AnswerBound.TotalSeconds} s");
        }
        catch (HttpRequestException e)
        {
            return new("dropped", $"connection dropped: {e.Message}");
        }
    }

    /// <summary>What the server does before the engine: read the multipart body, bind the request, decode the audio.</summary>
    private static async Task<FuzzOutcome> DecodeInProcessAsync(FuzzInput input, ApiOptions api, string temp, AudioDecoder decoder)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = MultipartBody.ContentType;
        context.Request.Body = new MemoryStream(MultipartBody.Upload(input.Bytes, "fuzz.bin"));
        using var timeout = new CancellationTokenSource(AnswerBound);
        try
        {
            TranscriptionRequest request;
            await using (var form = await MultipartFormReader.ReadAsync(context.Request, api, temp, timeout.Token))
            {
                request = TranscriptionRequestBinder.Bind(form, TranscriptionTask.Transcribe);
            }
            await using (request)
            {
                await decoder.DecodeAsync(request.File, timeout.Token);
            }
            return new("200 (decoded)");
        }
        catch (ApiException e) when (e.Status is >= 400 and < 500)
        {
            return new($"{e.Status} {e.Code}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new("timeout", $"not decoded within {AnswerBound.TotalSeconds} s");
        }
        catch (Exception e)
        {
            // Over HTTP this would be a 5xx (or a dropped connection).
            return new($"unhandled {e.GetType().Name}", e.ToString());
        }
    }

    private static string? EnvelopeCode(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var error = doc.RootElement.GetProperty("error");
            return error.TryGetProperty("message", out _) && error.TryGetProperty("type", out _) && error.TryGetProperty("param", out _)
                ? error.GetProperty("code").GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
