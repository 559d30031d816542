namespace SpeechToText.Tests.Fixtures;

/// <summary>One real server process with the synthetic test model, shared by a test collection.</summary>
public sealed class LocalServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    /// <summary>This server's own folder for spilled uploads and decoder temp files.</summary>
    public string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), $"stt-test-uploads-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Whisper__Slots"] = "2",
            ["Whisper__QueueCapacity"] = "32",
            ["Audio__TempDirectory"] = TempDirectory,
        });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LocalServerCollection : ICollectionFixture<LocalServerFixture>
{
    public const string Name = "local server";
}
