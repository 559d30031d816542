using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.AzureOpenAI;

/// <summary>Bad AzureOpenAI settings stop the real server at start with exit code 2 and a message naming the key.</summary>
public class AzureOpenAIStartupTests
{
    [Fact]
    public async Task Server_refuses_to_start_with_a_fallback_that_is_not_a_model()
    {
        var settings = AzureTestHost.Settings("http://127.0.0.1:9",
            [new("gpt-4o-transcribe", "aoai-4o", FakeDeploymentKind.Gpt4oTranscribe) { Fallbacks = ["whisper-2"] }]);
        settings["Whisper__ModelPath"] = TestModels.Test;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(settings));
        Assert.StartsWith("server exited with 2:", e.Message);
        Assert.Contains("configuration error:", e.Message);
        Assert.Contains("fallback 'whisper-2'", e.Message);
        Assert.Contains("gpt-4o-transcribe", e.Message);
    }

    [Fact]
    public async Task Server_refuses_to_start_with_an_invalid_deployment()
    {
        var settings = AzureTestHost.Settings("http://res.openai.azure.com",
            [new("gpt-4o-transcribe", "aoai-4o", "gpt-5-transcribe")]);
        settings["Whisper__ModelPath"] = TestModels.Test;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(settings));
        Assert.StartsWith("server exited with 2:", e.Message);
        Assert.Contains("AzureOpenAI:Deployments:0:Kind", e.Message);
        Assert.Contains("AzureOpenAI:Deployments:0:Endpoint must use https", e.Message);
    }
}
