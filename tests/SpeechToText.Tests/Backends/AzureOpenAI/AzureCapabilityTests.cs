using System.Diagnostics;
using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>
/// The capability rules of OPENAI-CONTRACT.md for the Azure kinds, through HTTP: what is accepted reaches Azure
/// (and the fake, which validates like Azure, accepts it too); what is rejected is a 400 naming the field, and
/// Azure is never called for it.
/// </summary>
[Collection(AzureBackendCollection.Name)]
public class AzureCapabilityTests(AzureServerFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    /// <summary>The contract's table, written out independently of the service's own.</summary>
    private static readonly Dictionary<string, string[]> TranscriptionFormats = new()
    {
        ["gpt-4o-transcribe"] = ["json"],
        ["gpt-4o-mini-transcribe"] = ["json", "text"],
        ["gpt-4o-mini-transcribe-2025-12-15"] = ["json", "text"],
        ["gpt-transcribe"] = ["json"],
        ["gpt-4o-transcribe-diarize"] = ["json", "text", "diarized_json"],
        ["whisper-azure"] = ["json", "text", "srt", "vtt", "verbose_json"],
    };

    private static readonly string[] AllFormats = ["json", "text", "srt", "vtt", "verbose_json", "diarized_json"];

    public static TheoryData<string, string, bool> FormatMatrix()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var model in TranscriptionFormats.Keys)
        {
            foreach (var format in AllFormats)
            {
                data.Add(model, format, false);
                data.Add(model, format, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FormatMatrix))]
    public async Task Format_by_kind(string model, string format, bool translate)
    {
        bool allowed = translate
            ? model == "whisper-azure" && format != "diarized_json"
            : TranscriptionFormats[model].Contains(format);
        if (allowed)
        {
            await AssertForwardedAsync(translate, model, ("response_format", format));
        }
        else
        {
            // A gpt-4o model cannot translate at all: that is said about the model before the format.
            await AssertRejectedAsync(translate, model, translate && model != "whisper-azure" ? "model" : "response_format",
                ("response_format", format));
        }
    }

    public static TheoryData<string, string, string, string[]> Rejected() => new()
    {
        // timestamp_granularities: whisper only, and only with verbose_json.
        { "granularities on gpt-4o", "gpt-4o-transcribe", "timestamp_granularities", ["timestamp_granularities[]=word"] },
        { "granularities on mini", "gpt-4o-mini-transcribe", "timestamp_granularities", ["timestamp_granularities[]=segment"] },
        { "granularities on diarize", "gpt-4o-transcribe-diarize", "timestamp_granularities", ["timestamp_granularities[]=word"] },
        { "granularities with json", "whisper-azure", "timestamp_granularities", ["timestamp_granularities[]=word"] },
        { "granularities with srt", "whisper-azure", "timestamp_granularities", ["response_format=srt", "timestamp_granularities[]=segment"] },
        { "unknown granularity", "whisper-azure", "timestamp_granularities", ["response_format=verbose_json", "timestamp_granularities[]=sentence"] },
        // logprobs: json only, gpt-4o(-mini)-transcribe only.
        { "logprobs with text on mini", "gpt-4o-mini-transcribe", "include", ["response_format=text", "include[]=logprobs"] },
        { "logprobs on diarize", "gpt-4o-transcribe-diarize", "include", ["include[]=logprobs"] },
        { "logprobs on diarize text", "gpt-4o-transcribe-diarize", "include", ["response_format=text", "include[]=logprobs"] },
        { "logprobs on whisper", "whisper-azure", "include", ["include[]=logprobs"] },
        { "logprobs on whisper verbose", "whisper-azure", "include", ["response_format=verbose_json", "include[]=logprobs"] },
        { "unknown include", "gpt-4o-transcribe", "include", ["include[]=tokens"] },
        // prompt: not for the diarize model.
        { "prompt on diarize", "gpt-4o-transcribe-diarize", "prompt", ["prompt=Names: Ann."] },
        // known speakers: diarize only, up to 4, names and references paired.
        { "known speakers on gpt-4o", "gpt-4o-transcribe", "known_speaker_names", ["known_speaker_names[]=a", "known_speaker_references[]=data:audio/wav;base64,AA=="] },
        { "known speakers on mini", "gpt-4o-mini-transcribe", "known_speaker_names", ["known_speaker_names[]=a", "known_speaker_references[]=data:audio/wav;base64,AA=="] },
        { "known speakers on whisper", "whisper-azure", "known_speaker_names", ["known_speaker_names[]=a", "known_speaker_references[]=data:audio/wav;base64,AA=="] },
        { "known speaker names alone on whisper", "whisper-azure", "known_speaker_names", ["known_speaker_names[]=a"] },
        { "five known speakers", "gpt-4o-transcribe-diarize", "known_speaker_names", Speakers(5) },
        { "names without references", "gpt-4o-transcribe-diarize", "known_speaker_references", ["known_speaker_names[]=a"] },
        // chunking_strategy: not for whisper; only auto or server_vad.
        { "chunking on whisper", "whisper-azure", "chunking_strategy", ["chunking_strategy=auto"] },
        { "bad chunking", "gpt-4o-transcribe", "chunking_strategy", ["chunking_strategy=sometimes"] },
        { "chunking of another type", "gpt-4o-transcribe-diarize", "chunking_strategy", ["chunking_strategy={\"type\":\"fixed\"}"] },
        // stream: json or text only.
        { "stream with diarized_json", "gpt-4o-transcribe-diarize", "stream", ["stream=true", "response_format=diarized_json"] },
        { "bad stream", "gpt-4o-transcribe", "stream", ["stream=maybe"] },
        // values.
        { "temperature above 1", "gpt-4o-transcribe", "temperature", ["temperature=1.5"] },
        { "bad language", "gpt-4o-transcribe", "language", ["language=klingon"] },
        // keywords[] and languages[]: gpt-transcribe only (of the Azure kinds); codes; not with language.
        { "keywords on gpt-4o", "gpt-4o-transcribe", "keywords", ["keywords[]=AC-42"] },
        { "keywords on the mini snapshot", "gpt-4o-mini-transcribe-2025-12-15", "keywords", ["keywords[]=AC-42"] },
        { "keywords on whisper", "whisper-azure", "keywords", ["keywords[]=AC-42"] },
        { "languages on mini", "gpt-4o-mini-transcribe", "languages", ["languages[]=fr"] },
        { "languages on diarize", "gpt-4o-transcribe-diarize", "languages", ["languages[]=fr"] },
        { "language and languages", "gpt-transcribe", "languages", ["language=en", "languages[]=en"] },
        { "a language name in languages", "gpt-transcribe", "languages", ["languages[]=french"] },
        { "a keyword with markup", "gpt-transcribe", "keywords", ["keywords[]=<b>AC-42</b>"] },
        { "logprobs on gpt-transcribe", "gpt-transcribe", "include", ["include[]=logprobs"] },
    };

    /// <summary>n known speakers as "name=value" fields.</summary>
    private static string[] Speakers(int n) =>
        [.. Enumerable.Range(0, n).SelectMany(i => new[] { $"known_speaker_names[]=s{i}", "known_speaker_references[]=data:audio/wav;base64,AA==" })];

    private static (string Name, string Value)[] Fields(string[] pairs) =>
        [.. pairs.Select(p => p.Split('=', 2)).Select(p => (p[0], p[1]))];

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task Rejected_before_any_upstream_call(string why, string model, string param, string[] fields)
    {
        Assert.NotEmpty(why);
        await AssertRejectedAsync(false, model, param, Fields(fields));
    }

    [Theory]
    [InlineData("gpt-4o-transcribe", "include[]", "logprobs")]
    [InlineData("gpt-4o-mini-transcribe", "include[]", "logprobs")]
    [InlineData("gpt-4o-transcribe", "prompt", "Names: Ann.")]
    [InlineData("gpt-4o-transcribe-diarize", "chunking_strategy", "{\"type\":\"server_vad\",\"threshold\":0.5}")]
    [InlineData("whisper-azure", "prompt", "Names: Ann.")]
    [InlineData("gpt-transcribe", "keywords[]", "Premium Plus")]
    [InlineData("gpt-transcribe", "languages[]", "de")]
    [InlineData("gpt-4o-mini-transcribe-2025-12-15", "include[]", "logprobs")]
    public async Task Allowed_options_are_forwarded(string model, string name, string value) =>
        await AssertForwardedAsync(false, model, (name, value));

    [Fact]
    public async Task Four_known_speakers_are_allowed_on_diarize() =>
        await AssertForwardedAsync(false, "gpt-4o-transcribe-diarize", Fields(Speakers(4)));

    [Theory]
    [InlineData("gpt-4o-transcribe")]
    [InlineData("gpt-4o-mini-transcribe")]
    [InlineData("gpt-4o-transcribe-diarize")]
    public async Task Audio_over_1400_seconds_is_rejected_for_gpt4o_models_before_upstream(string model)
    {
        var before = Host.Fake.RequestCount;
        var started = Stopwatch.StartNew();
        using var response = await Host.Client.PostAsync("v1/audio/transcriptions",
            Multipart.Form(LongAudio.Silence1401s, model, ("chunking_strategy", "auto")));
        var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadRequest, "file", "audio_too_long");
        Assert.Contains("1400", error.GetProperty("message").GetString());
        Assert.Equal(before, Host.Fake.RequestCount);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"{started.Elapsed}");
    }

    [Fact]
    public async Task Whisper_deployment_accepts_audio_over_1400_seconds()
    {
        Host.Fake.Clear();
        using var response = await Host.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(LongAudio.Silence1401s, "whisper-azure"));
        await AzureCalls.JsonAsync(response);
        Assert.Equal(File.ReadAllBytes(LongAudio.Silence1401s), Assert.Single(Host.Fake.Requests).FileBytes);
    }

    [Fact]
    public async Task Diarize_over_30_seconds_needs_chunking_strategy_and_forwards_auto()
    {
        var before = Host.Fake.RequestCount;
        using var rejected = await Host.Client.PostAsync("v1/audio/transcriptions",
            Multipart.Form(AudioSamples.Shared.Speech60sMp3, "gpt-4o-transcribe-diarize", ("response_format", "diarized_json")));
        await AzureCalls.ErrorAsync(rejected, HttpStatusCode.BadRequest, "chunking_strategy", null);
        Assert.Equal(before, Host.Fake.RequestCount);

        Host.Fake.Clear();
        using var accepted = await Host.Client.PostAsync("v1/audio/transcriptions",
            Multipart.Form(AudioSamples.Shared.Speech60sMp3, "gpt-4o-transcribe-diarize", ("response_format", "diarized_json"), ("chunking_strategy", "auto")));
        await AzureCalls.JsonAsync(accepted);
        Assert.Equal("auto", Assert.Single(Host.Fake.Requests).Field("chunking_strategy"));

        // Under 30 s no chunking_strategy is needed.
        Host.Fake.Clear();
        using var shortAudio = await AzureCalls.TranscribeAsync(Host.Client, "gpt-4o-transcribe-diarize", ("response_format", "diarized_json"));
        await AzureCalls.JsonAsync(shortAudio);
        Assert.Null(Assert.Single(Host.Fake.Requests).Field("chunking_strategy"));
    }

    private async Task AssertForwardedAsync(bool translate, string model, params (string Name, string Value)[] fields)
    {
        Host.Fake.Clear();
        using var response = translate
            ? await AzureCalls.TranslateAsync(Host.Client, model, fields)
            : await AzureCalls.TranscribeAsync(Host.Client, model, fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var sent = Assert.Single(Host.Fake.Requests);
        AzureRoutes.AssertTook(sent, fixture.ApiVersion, AzureTestHost.StandardDeployments.Single(d => d.Id == model).Deployment, translate);
        foreach (var group in fields.GroupBy(f => f.Name))
        {
            Assert.Equal(group.Select(f => f.Value), sent.Fields[group.Key]);
        }
    }

    private async Task AssertRejectedAsync(bool translate, string model, string param, params (string Name, string Value)[] fields)
    {
        var before = Host.Fake.RequestCount;
        using var response = translate
            ? await AzureCalls.TranslateAsync(Host.Client, model, fields)
            : await AzureCalls.TranscribeAsync(Host.Client, model, fields);
        var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadRequest, param, null);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(before, Host.Fake.RequestCount);
    }
}

/// <summary>Long silent audio, encoded small (low-bitrate Opus), made once per machine and reused.</summary>
internal static class LongAudio
{
    private static readonly Lazy<string> Silence = new(() => Make(1401));

    /// <summary>1401 s: one second over the gpt-4o limit, about 200 KB.</summary>
    public static string Silence1401s => Silence.Value;

    private static string Make(int seconds)
    {
        var folder = Path.Combine(Path.GetTempPath(), "stt-aoai-test-audio");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"silence-{seconds}s.ogg");
        if (File.Exists(path))
        {
            return path;
        }
        var tmp = path + $".{Environment.ProcessId}.tmp";
        var psi = new ProcessStartInfo("/usr/bin/ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", $"{seconds}",
                     "-c:a", "libopus", "-b:a", "6k", "-f", "ogg", tmp })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}

/// <summary>The whole capability matrix again, with every deployment on the dated route.</summary>
[Collection(AzureDatedRouteCollection.Name)]
public sealed class AzureCapabilityOnDatedRouteTests(AzureDatedRouteServerFixture fixture) : AzureCapabilityTests(fixture);
