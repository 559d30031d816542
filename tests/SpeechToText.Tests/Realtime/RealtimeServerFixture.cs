using SpeechToText.Core.Http;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Realtime;

/// <summary>A real server with an API key, the synthetic model and small realtime limits, for the realtime tests.</summary>
public sealed class RealtimeServerFixture : IAsyncLifetime
{
    public const string Key = "realtime-test-key-5f2c91";
    public const string AdminKey = "realtime-admin-key-0d7e44";
    public const int MaxEventBytes = 256 * 1024;

    public ServerProcess Server { get; private set; } = null!;

    public string UsageFolder { get; } = Path.Combine(Path.GetTempPath(), $"stt-realtime-usage-{Guid.NewGuid():N}");

    public Uri WebSocketUrl => new($"ws://{Server.BaseUrl.Authority}/v1/realtime?intent=transcription");

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Whisper__Slots"] = "1",
            ["Whisper__QueueCapacity"] = "8",
            ["Auth__Keys__0__Id"] = "realtime",
            ["Auth__Keys__0__Sha256"] = AuthOptions.HashKey(Key),
            ["Auth__Keys__0__MaxConcurrentRequests"] = "6",
            ["Auth__Keys__1__Id"] = "admin",
            ["Auth__Keys__1__Admin"] = "true",
            ["Auth__Keys__1__Sha256"] = AuthOptions.HashKey(AdminKey),
            ["Realtime__MaxEventBytes"] = MaxEventBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime__MaxSessionsPerKey"] = "4",
            ["Realtime__MaxTurnAudio"] = "00:01:30",
            ["Usage__LocalDirectory"] = UsageFolder,
            ["Usage__FlushInterval"] = "00:00:00.200",
        });
        Server.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(UsageFolder))
        {
            Directory.Delete(UsageFolder, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealtimeServerCollection : ICollectionFixture<RealtimeServerFixture>
{
    public const string Name = "realtime server";
}
