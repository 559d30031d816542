using System.Diagnostics;
using System.Net;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>A host whose deployments differ in deadline and endpoint, for retry and timeout behaviour.</summary>
public class AzureResilienceFixture : IAsyncLifetime
{
    /// <summary>Deadline of the "gpt-4o-short" deployment.</summary>
    public static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(2);

    public static readonly string UnreachableEndpoint = $"http://127.0.0.1:{ClosedPort.Reserve()}";

    public AzureTestHost Host { get; private set; } = null!;

    /// <summary>The api-version every deployment of this host uses; null for the v1 route.</summary>
    public virtual string? ApiVersion => null;

    public async Task InitializeAsync()
    {
        Host = await AzureTestHost.StartAsync(AzureRoutes.On(
        [
            new("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe),
            new("gpt-4o-short", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Timeout = ShortTimeout },
            new("gpt-4o-unreachable", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Endpoint = UnreachableEndpoint },
        ], ApiVersion));
        // The tests time retries against deadlines of a few seconds; a fresh server's first upstream call also pays
        // for loading and compiling the client code (seconds on this machine), which is not what they measure.
        foreach (var model in new[] { "gpt-4o-transcribe", "gpt-4o-short" })
        {
            using var warmUp = await AzureCalls.TranscribeAsync(Host.Client, model);
            Assert.True(warmUp.IsSuccessStatusCode, await warmUp.Content.ReadAsStringAsync());
        }
        Host.Fake.Clear();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AzureResilienceCollection : ICollectionFixture<AzureResilienceFixture>
{
    public const string Name = "azure openai resilience";
}

/// <summary>The same deployments on the dated route.</summary>
public sealed class AzureDatedRouteResilienceFixture : AzureResilienceFixture
{
    public override string? ApiVersion => AzureRoutes.DatedApiVersion;
}

[CollectionDefinition(Name)]
public sealed class AzureDatedRouteResilienceCollection : ICollectionFixture<AzureDatedRouteResilienceFixture>
{
    public const string Name = "azure openai resilience, dated route";
}

/// <summary>Every retry and timeout behaviour again, with the deployments on the dated route.</summary>
[Collection(AzureDatedRouteResilienceCollection.Name)]
public sealed class AzureResilienceOnDatedRouteTests(AzureDatedRouteResilienceFixture fixture) : AzureResilienceTests(fixture);

/// <summary>Retries (MaxRetries = 2), Retry-After, deadlines and how upstream failures reach the client.</summary>
[Collection(AzureResilienceCollection.Name)]
public class AzureResilienceTests(AzureResilienceFixture fixture)
{
    private AzureTestHost Host => fixture.Host;

    private static readonly Dictionary<string, string> RetryAfterOneSecond = new() { ["Retry-After"] = "1" };

    private async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedAsync(string model = "gpt-4o-transcribe")
    {
        var clock = Stopwatch.StartNew();
        var response = await AzureCalls.TranscribeAsync(Host.Client, model);
        return (response, clock.Elapsed);
    }

    [Fact]
    public async Task Throttled_twice_then_success_waits_for_retry_after()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.TooManyRequests(1).Times(2));
        var (response, _) = await TimedAsync();
        using (response)
        {
            await AzureCalls.JsonAsync(response);
        }
        var requests = Host.Fake.Requests;
        Assert.Equal(3, requests.Count);
        for (int i = 1; i < requests.Count; i++)
        {
            var gap = requests[i].ReceivedAt - requests[i - 1].ReceivedAt;
            Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"attempt {i + 1} came {gap.TotalMilliseconds:0} ms after the previous one");
        }
    }

    [Fact]
    public async Task Throttled_always_gives_the_client_429_with_retry_after_after_every_attempt()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.TooManyRequests(1).Always());
        var (response, _) = await TimedAsync();
        using (response)
        {
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            Assert.Contains(Host.Fake.Requests[^1].RequestId, error.GetProperty("message").GetString());
        }
        Assert.Equal(3, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Retry_after_longer_than_the_longest_wait_is_passed_to_the_client_at_once()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.TooManyRequests(30).Always());
        var (response, elapsed) = await TimedAsync();
        using (response)
        {
            await AzureCalls.ErrorAsync(response, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
            Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        }
        Assert.Single(Host.Fake.Requests);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"{elapsed}");
    }

    [Fact]
    public async Task Server_error_then_success_is_retried()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(500));
        var (response, _) = await TimedAsync();
        using (response)
        {
            Assert.Equal("Hello from aoai-4o. This is a fake transcript.", (await AzureCalls.JsonAsync(response)).GetProperty("text").GetString());
        }
        Assert.Equal(2, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Server_error_always_is_502_naming_the_upstream_request_id()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(500).Always());
        var (response, _) = await TimedAsync();
        using (response)
        {
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadGateway, null, "upstream_error");
            var message = error.GetProperty("message").GetString()!;
            Assert.Contains(Host.Fake.Requests[^1].RequestId, message);
            Assert.Contains("aoai-4o", message);
            Assert.Contains("500", message);
        }
        Assert.Equal(3, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Client_error_from_upstream_is_not_retried_and_keeps_its_fields()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(AzureCalls.UpstreamClientError("Invalid language 'xx'.", "language", "invalid_language").Always());
        var (response, _) = await TimedAsync();
        using (response)
        {
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.BadRequest, "language", "invalid_language");
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Contains("Invalid language 'xx'.", error.GetProperty("message").GetString());
        }
        Assert.Single(Host.Fake.Requests);
    }

    [Fact]
    public async Task Hanging_upstream_is_504_after_the_deployment_timeout()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Hang().Always());
        var (response, elapsed) = await TimedAsync("gpt-4o-short");
        using (response)
        {
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.GatewayTimeout, null, "upstream_timeout");
            Assert.Contains("aoai-4o", error.GetProperty("message").GetString());
        }
        Assert.True(elapsed >= AzureResilienceFixture.ShortTimeout - TimeSpan.FromMilliseconds(100), $"{elapsed}");
        Assert.True(elapsed < AzureResilienceFixture.ShortTimeout + TimeSpan.FromSeconds(15), $"{elapsed}");
    }

    [Fact]
    public async Task A_retry_that_could_not_finish_before_the_deadline_is_not_started()
    {
        Host.Fake.Clear();
        // The first attempt fails after 1.2 s; a second one like it would end past the 2 s deadline, so the caller
        // gets the upstream's own error at once instead of a timeout of a doomed attempt.
        Host.Fake.Enqueue(FakeResponse.Delay(TimeSpan.FromMilliseconds(1200), FakeResponse.Status(500)).Always());
        var (response, elapsed) = await TimedAsync("gpt-4o-short");
        using (response)
        {
            await AzureCalls.ErrorAsync(response, HttpStatusCode.BadGateway, null, "upstream_error");
        }
        Assert.Single(Host.Fake.Requests);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(1150), $"{elapsed}");
        Assert.True(elapsed < AzureResilienceFixture.ShortTimeout + TimeSpan.FromSeconds(1), $"{elapsed}");
    }

    [Fact]
    public async Task Retry_after_past_the_deadline_ends_the_retries_with_the_upstream_error()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.Status(503, null, new Dictionary<string, string> { ["Retry-After"] = "1" }).Always());
        var (response, elapsed) = await TimedAsync("gpt-4o-short");
        using (response)
        {
            await AzureCalls.ErrorAsync(response, HttpStatusCode.BadGateway, null, "upstream_error");
        }
        // One wait of 1 s fits in the 2 s deadline; a second would not, so it is not even started. On a machine so
        // loaded that the first answer took half a second, the first wait would not fit either: one attempt passes too.
        Assert.InRange(Host.Fake.Requests.Count, 1, 2);
        Assert.True(elapsed < AzureResilienceFixture.ShortTimeout + TimeSpan.FromSeconds(1), $"{elapsed}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dropped_connection_is_retried(bool afterHeaders)
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.DropConnection(afterHeaders));
        var (response, _) = await TimedAsync();
        using (response)
        {
            await AzureCalls.JsonAsync(response);
        }
        Assert.Equal(2, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Dropped_connection_always_is_503_unreachable()
    {
        Host.Fake.Clear();
        Host.Fake.Enqueue(FakeResponse.DropConnection().Always());
        var (response, _) = await TimedAsync();
        using (response)
        {
            await AzureCalls.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, null, "upstream_unreachable");
        }
        Assert.Equal(3, Host.Fake.Requests.Count);
    }

    [Fact]
    public async Task Unreachable_endpoint_is_503_upstream_unreachable_without_naming_where_the_upstream_lives()
    {
        var before = Host.Fake.RequestCount;
        var (response, elapsed) = await TimedAsync("gpt-4o-unreachable");
        using (response)
        {
            var error = await AzureCalls.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, null, "upstream_unreachable");
            Assert.Equal("server_error", error.GetProperty("type").GetString());
            var message = error.GetProperty("message").GetString()!;
            Assert.Contains("aoai-4o", message);
            // The connection error names host and port: the operator's log gets it, the client does not.
            var closed = new Uri(AzureResilienceFixture.UnreachableEndpoint);
            Assert.DoesNotContain(closed.Authority, message);
            Assert.DoesNotContain(closed.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), message);
            await AzureCalls.LogLineAsync(Host.Server, 0, "could not be reached", closed.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(before, Host.Fake.RequestCount);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"{elapsed}");
    }
}
