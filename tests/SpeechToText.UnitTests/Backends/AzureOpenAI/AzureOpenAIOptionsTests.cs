using SpeechToText.Core.Backends.AzureOpenAI;

namespace SpeechToText.UnitTests.Backends.AzureOpenAI;

/// <summary>The AzureOpenAI section's validator: bad settings are refused with a message naming the key (AzureOpenAIStartupTests: the server then stops).</summary>
public class AzureOpenAIOptionsTests
{
    private static AzureOpenAIOptions Options(Action<AzureDeploymentOptions>? change = null)
    {
        var d = new AzureDeploymentOptions { Id = "gpt-4o-transcribe", Endpoint = "https://res.openai.azure.com", Kind = "gpt-4o-transcribe", ApiKey = "k" };
        change?.Invoke(d);
        return new AzureOpenAIOptions { Deployments = [d] };
    }

    private static string? Failure(AzureOpenAIOptions options)
    {
        var result = new AzureOpenAIOptionsValidator().Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }

    [Theory]
    [InlineData("https://res.openai.azure.com")]
    [InlineData("https://res.openai.azure.com/")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    public void Https_endpoints_and_loopback_http_are_accepted(string endpoint) =>
        Assert.Null(Failure(Options(d => d.Endpoint = endpoint)));

    [Theory]
    [InlineData("", "absolute URL")]
    [InlineData("res.openai.azure.com", "absolute URL")]
    [InlineData("ftp://res.openai.azure.com", "absolute URL")]
    [InlineData("http://res.openai.azure.com", "https")]
    [InlineData("http://10.0.0.5", "https")]
    public void Bad_endpoints_are_refused_naming_the_key(string endpoint, string why)
    {
        var message = Failure(Options(d => d.Endpoint = endpoint));
        Assert.NotNull(message);
        Assert.Contains("AzureOpenAI:Deployments:0:Endpoint", message);
        Assert.Contains(why, message);
    }

    [Theory]
    [InlineData("whisper")]
    [InlineData("gpt-4o-transcribe")]
    [InlineData("GPT-4o-mini-transcribe")]
    [InlineData(" gpt-4o-transcribe-diarize ")]
    public void Known_kinds_are_accepted(string kind) => Assert.Null(Failure(Options(d => d.Kind = kind)));

    [Theory]
    [InlineData("")]
    [InlineData("gpt-5-transcribe")]
    [InlineData("whisper-1")]
    public void Unknown_kind_is_refused_naming_the_key_and_the_choices(string kind)
    {
        var message = Failure(Options(d => d.Kind = kind));
        Assert.NotNull(message);
        Assert.Contains("AzureOpenAI:Deployments:0:Kind", message);
        Assert.Contains("gpt-4o-transcribe-diarize", message);
    }

    [Fact]
    public void Missing_id_bad_timeout_and_retry_settings_are_refused()
    {
        Assert.Contains("Deployments:0:Id", Failure(Options(d => d.Id = " ")));
        Assert.Contains("Deployments:0:Timeout", Failure(Options(d => d.Timeout = TimeSpan.Zero)));
        var options = Options();
        options.MaxRetries = 11;
        Assert.Contains("AzureOpenAI:MaxRetries", Failure(options));
        options = Options();
        options.RetryBaseDelay = TimeSpan.FromSeconds(5);
        options.RetryMaxDelay = TimeSpan.FromSeconds(1);
        Assert.Contains("AzureOpenAI:RetryBaseDelay", Failure(options));
    }

    [Fact]
    public void Deployment_name_defaults_to_the_id()
    {
        Assert.Equal("gpt-4o-transcribe", Options().Deployments[0].DeploymentName);
        Assert.Equal("dep", Options(d => d.Deployment = "dep").Deployments[0].DeploymentName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-03-01-preview")]
    [InlineData("2024-10-21")]
    public void An_unset_or_dated_api_version_is_accepted(string? apiVersion) =>
        Assert.Null(Failure(Options(d => d.ApiVersion = apiVersion)));

    [Theory]
    [InlineData("v1")]
    [InlineData("2025-03-01-preview&x=1")]
    [InlineData("latest")]
    public void A_malformed_api_version_is_refused_naming_the_key(string apiVersion)
    {
        var message = Failure(Options(d => d.ApiVersion = apiVersion));
        Assert.NotNull(message);
        Assert.Contains("AzureOpenAI:Deployments:0:ApiVersion", message);
    }
}
