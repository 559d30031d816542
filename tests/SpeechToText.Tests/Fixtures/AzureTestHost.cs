using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Fixtures;

/// <summary>One Azure OpenAI deployment as the service is configured with it: public id → deployment of a kind.</summary>
public sealed record AzureDeployment(string Id, string Deployment, string Kind)
{
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Another endpoint than the fake's (e.g. a closed port).</summary>
    public string? Endpoint { get; init; }
    /// <summary>Another key than the one the fake accepts; empty for none (Microsoft Entra ID).</summary>
    public string? ApiKey { get; init; }
    /// <summary>The dated route's api-version (AzureOpenAI:Deployments:N:ApiVersion); null for the v1 route.</summary>
    public string? ApiVersion { get; init; }
}

/// <summary>
/// The fake Azure OpenAI resource plus the real server process configured (through environment variables, as an
/// operator would) to serve its deployments, with the local synthetic whisper model as whisper-1.
/// </summary>
public sealed class AzureTestHost : IAsyncDisposable
{
    public const string Key = "aoai-test-key-6b1f0e";

    /// <summary>The deployments every shared host serves: one per kind, and two with a fallback to the local engine.</summary>
    public static IReadOnlyList<AzureDeployment> StandardDeployments { get; } =
    [
        new("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe),
        new("gpt-4o-mini-transcribe", "aoai-4o-mini", FakeDeploymentKind.Gpt4oMiniTranscribe),
        new("gpt-4o-transcribe-diarize", "aoai-diarize", FakeDeploymentKind.Gpt4oTranscribeDiarize),
        new("gpt-transcribe", "aoai-gpt-transcribe", FakeDeploymentKind.GptTranscribe),
        new("gpt-4o-mini-transcribe-2025-12-15", "aoai-4o-mini-2025-12-15", FakeDeploymentKind.Gpt4oMiniTranscribe20251215),
        new("whisper-azure", "aoai-whisper", FakeDeploymentKind.Whisper),
        new("gpt-4o-fallback", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Fallbacks = ["whisper-1"] },
        new("whisper-azure-fallback", "aoai-whisper", FakeDeploymentKind.Whisper) { Fallbacks = ["whisper-1"] },
    ];

    private AzureTestHost(FakeAzureOpenAIServer fake, ServerProcess server)
    {
        Fake = fake;
        Server = server;
    }

    public FakeAzureOpenAIServer Fake { get; }

    public ServerProcess Server { get; }

    public HttpClient Client => Server.Client;

    public static async Task<AzureTestHost> StartAsync(IReadOnlyList<AzureDeployment> deployments,
        IReadOnlyDictionary<string, string?>? extra = null, FakeAzureOptions? fakeOptions = null)
    {
        var fake = await FakeAzureOpenAIServer.StartAsync(fakeOptions ?? new FakeAzureOptions
        {
            ApiKey = Key,
            Deployments = deployments.Where(d => d.Endpoint is null).DistinctBy(d => d.Deployment).ToDictionary(d => d.Deployment, d => d.Kind),
            // A deployment configured for the dated route answers 404 on the v1 one, so a call that took the wrong
            // route fails the test that made it.
            DatedRouteOnly = deployments.Where(d => d.ApiVersion is not null).Select(d => d.Deployment).ToHashSet(),
        });
        try
        {
            var settings = Settings(fake.Endpoint.ToString().TrimEnd('/'), deployments);
            settings["Whisper__ModelPath"] = TestModels.Test;
            settings["Whisper__Slots"] = "2";
            foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
            {
                settings[k] = v;
            }
            return new AzureTestHost(fake, await ServerProcess.StartAsync(settings));
        }
        catch
        {
            await fake.DisposeAsync();
            throw;
        }
    }

    /// <summary>The service's AzureOpenAI configuration as environment variables (use ':' for in-process hosts).</summary>
    public static Dictionary<string, string?> Settings(string endpoint, IReadOnlyList<AzureDeployment> deployments, string separator = "__")
    {
        var s = new Dictionary<string, string?>
        {
            [$"AzureOpenAI{separator}MaxRetries"] = "2",
            [$"AzureOpenAI{separator}RetryBaseDelay"] = "00:00:00.050",
            [$"AzureOpenAI{separator}RetryMaxDelay"] = "00:00:02",
        };
        for (int i = 0; i < deployments.Count; i++)
        {
            var d = deployments[i];
            var p = $"AzureOpenAI{separator}Deployments{separator}{i}{separator}";
            s[p + "Id"] = d.Id;
            s[p + "Endpoint"] = d.Endpoint ?? endpoint;
            s[p + "Deployment"] = d.Deployment;
            s[p + "Kind"] = d.Kind;
            s[p + "ApiKey"] = d.ApiKey ?? Key;
            s[p + "Timeout"] = d.Timeout.ToString("c", CultureInfo.InvariantCulture);
            if (d.ApiVersion is not null)
            {
                s[p + "ApiVersion"] = d.ApiVersion;
            }
            for (int f = 0; f < d.Fallbacks.Count; f++)
            {
                s[$"{p}Fallbacks{separator}{f}"] = d.Fallbacks[f];
            }
        }
        return s;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

/// <summary>Requests to the service and checks of its answers, shared by the Azure OpenAI end-to-end tests.</summary>
internal static class AzureCalls
{
    public static byte[] Upload => UploadBytes.Value;

    public const string UploadName = "speech.wav";

    private static readonly Lazy<byte[]> UploadBytes = new(() => File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16));

    public static Task<HttpResponseMessage> TranscribeAsync(HttpClient client, string model, params (string Name, string Value)[] fields) =>
        client.PostAsync("v1/audio/transcriptions", Multipart.Form(Upload, UploadName, model, fields));

    public static Task<HttpResponseMessage> TranslateAsync(HttpClient client, string model, params (string Name, string Value)[] fields) =>
        client.PostAsync("v1/audio/translations", Multipart.Form(Upload, UploadName, model, fields));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>Asserts OpenAI's error envelope with the given status, param and code; returns the error object.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? param, string? code)
    {
        var error = (await JsonAsync(response, status)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.GetProperty("param").GetString());
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }
        return error;
    }

    /// <summary>A 400 as Azure sends it when it judges the request itself bad (nothing to retry or fall back for).</summary>
    public static FakeResponse UpstreamClientError(string message, string param, string code) =>
        FakeResponse.Status(400, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = param, ["code"] = code },
        }.ToJsonString());

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    /// <summary>Waits until the server's captured log has a line with all of <paramref name="parts"/> after <paramref name="from"/>.</summary>
    public static async Task<string> LogLineAsync(ServerProcess server, int from, params string[] parts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var logs = server.Logs;
            var line = logs[Math.Min(from, logs.Length)..].Split('\n').FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (line is not null)
            {
                return line;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no log line with {string.Join(" + ", parts)} in:\n{logs[Math.Min(from, logs.Length)..]}");
            await Task.Delay(50);
        }
    }
}

/// <summary>
/// Which of Azure OpenAI's routes a host's deployments use: v1 (no api-version, the default) or the dated
/// route with an api-version. Suites that must hold on both run once per route through a derived fixture.
/// </summary>
public static class AzureRoutes
{
    /// <summary>The api-version the dated-route suites configure.</summary>
    public const string DatedApiVersion = "2025-03-01-preview";

    public static IReadOnlyList<AzureDeployment> On(IReadOnlyList<AzureDeployment> deployments, string? apiVersion) =>
        [.. deployments.Select(d => d with { ApiVersion = apiVersion })];

    /// <summary>Asserts that a request the fake received took the route this api-version (null: v1) means.</summary>
    public static void AssertTook(RecordedRequest request, string? apiVersion, string deployment, bool translate = false)
    {
        var route = FakeAzureOpenAIServer.Route.Of(request);
        Assert.NotNull(route);
        Assert.Equal(translate, route.Translate);
        if (apiVersion is null)
        {
            Assert.False(route.Dated, $"{request.Path}{request.Query} is not the v1 route");
            Assert.Equal(deployment, request.Field("model"));
        }
        else
        {
            Assert.True(route.Dated, $"{request.Path}{request.Query} is not the dated route");
            Assert.Equal(deployment, route.Deployment);
            Assert.Equal(apiVersion, route.ApiVersion);
        }
    }
}

/// <summary>The standard host shared by one collection, on the v1 route.</summary>
public class AzureServerFixture : IAsyncLifetime
{
    public AzureTestHost Host { get; private set; } = null!;

    /// <summary>The api-version every deployment of this host uses; null for the v1 route.</summary>
    public virtual string? ApiVersion => null;

    public async Task InitializeAsync() => Host = await AzureTestHost.StartAsync(AzureRoutes.On(AzureTestHost.StandardDeployments, ApiVersion));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The standard host with every deployment on the dated route.</summary>
public sealed class AzureDatedRouteServerFixture : AzureServerFixture
{
    public override string? ApiVersion => AzureRoutes.DatedApiVersion;
}

[CollectionDefinition(Name)]
public sealed class AzureDatedRouteCollection : ICollectionFixture<AzureDatedRouteServerFixture>
{
    public const string Name = "azure openai dated route";
}

[CollectionDefinition(Name)]
public sealed class AzureBackendCollection : ICollectionFixture<AzureServerFixture>
{
    public const string Name = "azure openai backend";
}

[CollectionDefinition(Name)]
public sealed class AzureStreamingCollection : ICollectionFixture<AzureServerFixture>
{
    public const string Name = "azure openai streaming";
}
