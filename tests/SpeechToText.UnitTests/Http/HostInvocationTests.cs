using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Core.Http;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.UnitTests.Http;

/// <summary>AudioApi.InvokeAsync: what Azure Functions' HTTP triggers run, the same envelope and key check as the server's pipeline.</summary>
public sealed class HostInvocationTests
{
    private static DefaultHttpContext Context(string path, params string[] keyHashes)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<AuthOptions>().Configure(o => o.Keys.AddRange(keyHashes.Select(h => new ApiKeyEntry { Sha256 = h })));
        services.AddSingleton<ApiKeyValidator>();
        services.AddSingleton<KeyLimiter>();
        services.AddUsageMetering(new ConfigurationBuilder().Build());
        var ctx = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        ctx.Request.Path = path;
        ctx.Response.Body = new MemoryStream();
        return ctx;
    }

    private static string Body(HttpContext ctx) => Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());

    [Fact]
    public async Task A_failing_endpoint_answers_with_the_error_envelope()
    {
        var ctx = Context("/v1/audio/transcriptions");
        await AudioApi.InvokeAsync(ctx, _ => throw new ApiException(404, "No such model.", ApiException.InvalidRequest, "model", "model_not_found"));
        Assert.Equal(404, ctx.Response.StatusCode);
        Assert.Contains("\"code\":\"model_not_found\"", Body(ctx));
    }

    [Fact]
    public async Task With_keys_configured_a_call_without_a_key_never_reaches_the_endpoint()
    {
        var ctx = Context("/v1/models", AuthOptions.HashKey("secret"));
        bool reached = false;
        await AudioApi.InvokeAsync(ctx, _ => { reached = true; return Task.CompletedTask; });
        Assert.False(reached);
        Assert.Equal(401, ctx.Response.StatusCode);
    }

    [Fact]
    public async Task With_the_right_key_the_endpoint_runs()
    {
        var ctx = Context("/v1/models", AuthOptions.HashKey("secret"));
        ctx.Request.Headers.Authorization = "Bearer secret";
        await AudioApi.InvokeAsync(ctx, c => c.Response.WriteAsync("ok"));
        Assert.Equal(200, ctx.Response.StatusCode);
        Assert.Equal("ok", Body(ctx));
    }

    [Fact]
    public async Task An_endpoint_marked_open_runs_without_a_key()
    {
        var ctx = Context("/health", AuthOptions.HashKey("secret"));
        await AudioApi.InvokeAsync(ctx, c => c.Response.WriteAsync("ok"), ApiEndpointInfo.Open);
        Assert.Equal(200, ctx.Response.StatusCode);
        // The same path without the marking is not open: the path itself grants nothing.
        var unmarked = Context("/health", AuthOptions.HashKey("secret"));
        await AudioApi.InvokeAsync(unmarked, c => c.Response.WriteAsync("ok"));
        Assert.Equal(401, unmarked.Response.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_caller_is_an_authenticated_principal_with_its_key_id_and_role(bool admin)
    {
        var ctx = Context("/v1/models");
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<AuthOptions>().Configure(o => o.Keys.Add(new ApiKeyEntry { Id = "team-a", Sha256 = AuthOptions.HashKey("secret"), Admin = admin }));
        services.AddSingleton<ApiKeyValidator>();
        services.AddSingleton<KeyLimiter>();
        services.AddUsageMetering(new ConfigurationBuilder().Build());
        ctx.RequestServices = services.BuildServiceProvider();
        ctx.Request.Headers.Authorization = "Bearer secret";
        System.Security.Claims.ClaimsPrincipal? seen = null;
        await AudioApi.InvokeAsync(ctx, c => { seen = c.User; return Task.CompletedTask; });
        Assert.NotNull(seen);
        Assert.True(seen.Identity?.IsAuthenticated);
        Assert.Equal("team-a", seen.Identity?.Name);
        Assert.Equal(admin, seen.IsInRole(ApiKeyValidator.AdminRole));
        var validator = ctx.RequestServices.GetRequiredService<ApiKeyValidator>();
        Assert.Equal("team-a", validator.CallerId(ctx));
        Assert.Equal(admin, validator.IsAdmin(ctx));
    }
}
