using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpeechToText.Core;
using SpeechToText.Core.Jobs;
using SpeechToText.Tests.Infrastructure;

namespace SpeechToText.Tests.Jobs;

/// <summary>The pipeline's steps in-process (real engine with the synthetic test model, real ffmpeg, real Azurite).</summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public PipelineHarness(StorageOptions storage, IDictionary<string, string?>? extra = null)
    {
        Storage = storage;
        var settings = new Dictionary<string, string?>(AzuriteFixture.AsSettings(storage).Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
        {
            ["Whisper:ModelPath"] = TestModels.Test,
            ["Audio:FfmpegPath"] = Audio.AudioSamples.BundledFfmpeg,
            ["Pipeline:LocalChunkTargetSeconds"] = "30",
            ["Pipeline:RetryBaseDelay"] = "00:00:00.100",
            // VAD on every chunk: the random-weight test model decodes silence slowly (temperature fallbacks).
            ["Whisper:VadMinDurationSeconds"] = "0",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        services.AddSpeechToText(config).AddTranscriptionJobs(config);
        _services = services.BuildServiceProvider();
    }

    public StorageOptions Storage { get; }

    public PipelineSteps Steps => _services.GetRequiredService<PipelineSteps>();

    public WorkItemRunner Runner => _services.GetRequiredService<WorkItemRunner>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public JobStorage Blobs => Steps.Storage;

    public async Task UploadAsync(string name, string file, IDictionary<string, string>? metadata = null)
    {
        await Blobs.EnsureCreatedAsync(default);
        await using var s = File.OpenRead(file);
        await Blobs.Input.GetBlobClient(name).UploadAsync(s, new BlobUploadOptions { Metadata = metadata });
    }

    /// <summary>Runs every message of the queue through the runner until it is empty; returns how many were handled.</summary>
    public async Task<int> DrainAsync(Azure.Storage.Queues.QueueClient queue)
    {
        int n = 0;
        while ((await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value is { } m)
        {
            await Runner.ProcessAsync(queue, m, default);
            n++;
        }
        return n;
    }

    public async Task<JsonDocument> ReadOutputJsonAsync(string name) =>
        JsonDocument.Parse((await Blobs.Output.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToMemory());

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
