using System.Net;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>
/// AzureOpenAI:Deployments:N:ApiVersion: with it, every kind of call goes to
/// /openai/deployments/{deployment}/audio/...?api-version=, through the same client (its api-key header); a
/// deployment that only works on that route answers 404 on v1, so the option is what makes it usable.
/// </summary>
[Collection(AzureDatedRouteCollection.Name)]
public sealed class AzureDatedRouteTests(AzureDatedRouteServerFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    public static TheoryData<string, string, string?, bool> Calls => new()
    {
        { "gpt-4o-transcribe", "aoai-4o", "json", false },
        { "gpt-4o-mini-transcribe", "aoai-4o-mini", "text", false },
        { "gpt-4o-transcribe-diarize", "aoai-diarize", "diarized_json", false },
        { "whisper-azure", "aoai-whisper", "verbose_json", false },
        { "whisper-azure", "aoai-whisper", "srt", false },
        { "whisper-azure", "aoai-whisper", "vtt", false },
        { "whisper-azure", "aoai-whisper", "text", true },
        { "whisper-azure", "aoai-whisper", "json", true },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Every_kind_of_call_takes_the_dated_route_with_the_api_key(string model, string deployment, string? format, bool translate)
    {
        Host.Fake.Clear();
        (string, string)[] fields = format is null ? [] : [("response_format", format)];
        using var response = translate
            ? await AzureCalls.TranslateAsync(Host.Client, model, fields)
            : await AzureCalls.TranscribeAsync(Host.Client, model, fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var sent = Assert.Single(Host.Fake.Requests);
        Assert.Equal($"/openai/deployments/{deployment}/audio/{(translate ? "translations" : "transcriptions")}", sent.Path);
        Assert.Equal($"?api-version={AzureRoutes.DatedApiVersion}", sent.Query);
        Assert.Equal(AzureTestHost.Key, sent.Headers["api-key"]);
    }

    [Fact]
    public async Task A_streamed_transcription_takes_the_dated_route_and_still_streams()
    {
        Host.Fake.Clear();
        using var response = await Host.Client.PostAsync("v1/audio/transcriptions",
            Multipart.Form(AzureCalls.Upload, AzureCalls.UploadName, "gpt-4o-transcribe", ("stream", "true")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"type\":\"transcript.text.done\"", events);
        var sent = Assert.Single(Host.Fake.Requests);
        AzureRoutes.AssertTook(sent, AzureRoutes.DatedApiVersion, "aoai-4o");
        Assert.Equal("true", sent.Field("stream"));
    }

    [Fact]
    public async Task The_fake_refuses_these_deployments_on_the_v1_route_so_the_option_is_what_makes_them_work()
    {
        using var http = new HttpClient { BaseAddress = Host.Fake.Endpoint };
        http.DefaultRequestHeaders.Add("api-key", AzureTestHost.Key);
        using var v1 = await http.PostAsync(FakeAzureOpenAIServer.TranscriptionsPath, Multipart.Form(AzureCalls.Upload, AzureCalls.UploadName, "aoai-4o"));
        Assert.Equal(HttpStatusCode.NotFound, v1.StatusCode);
        Assert.Contains("DeploymentNotFound", await v1.Content.ReadAsStringAsync());
        using var dated = await http.PostAsync($"/openai/deployments/aoai-4o/audio/transcriptions?api-version={AzureRoutes.DatedApiVersion}",
            Multipart.Form(AzureCalls.Upload, AzureCalls.UploadName, "aoai-4o"));
        Assert.Equal(HttpStatusCode.OK, dated.StatusCode);
        using var unknownVersion = await http.PostAsync("/openai/deployments/aoai-4o/audio/transcriptions?api-version=2019-01-01",
            Multipart.Form(AzureCalls.Upload, AzureCalls.UploadName, "aoai-4o"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownVersion.StatusCode);
    }

    [Fact]
    public async Task Models_list_says_which_api_version_a_deployment_uses()
    {
        var models = await Host.Client.GetStringAsync("v1/models");
        Assert.Contains($"api-version {AzureRoutes.DatedApiVersion}", models);
    }
}
