namespace SpeechToText.Tests;

public class SmokeTests
{
    [Fact]
    public void Builds() => Assert.True(typeof(Program).Assembly.GetName().Name == "SpeechToText.Server");
}
