using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpeechToText.Core;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Storage;
using SpeechToText.Server.Durable;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Jobs;

/// <summary>
/// The pipeline in-process, as the local server runs it: Core's orchestration on the local task hub (DTFx worker,
/// Azure Storage provider) against the tests' Azurite, with the real engine (synthetic test model) and real ffmpeg.
/// Each harness has its own task hub and containers. No blob watcher: tests schedule jobs themselves, as events would.
/// </summary>
public sealed class DurableHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableHarness(IHost host, StorageOptions storage, CapturedLogs logs)
    {
        _host = host;
        Storage = storage;
        Logs = logs;
    }

    public StorageOptions Storage { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => Get<DurableTaskClient>();

    public JobScheduler Scheduler => Get<JobScheduler>();

    public JobStorage Blobs => Get<JobStorage>();

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<DurableHarness> StartAsync(StorageOptions storage, IDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>(AzuriteFixture.AsSettings(storage).Select(kv =>
            new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
        {
            ["Whisper:ModelPath"] = TestModels.Test,
            ["Audio:FfmpegPath"] = Fixtures.AudioSamples.BundledFfmpeg,
            ["Pipeline:LocalChunkTargetSeconds"] = "30",
            ["Pipeline:RetryBaseDelay"] = "00:00:00.100",
            ["Pipeline:TaskHub"] = "t" + Guid.NewGuid().ToString("N")[..12],
            ["Pipeline:ActivityLockTimeout"] = "00:00:30",
            // VAD on every chunk: the random-weight test model decodes silence slowly (temperature fallbacks).
            ["Whisper:VadMinDurationSeconds"] = "0",
            ["Usage:LocalDirectory"] = Path.Combine(Path.GetTempPath(), $"stt-usage-{Guid.NewGuid():N}"),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }
        var logs = new CapturedLogs();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddProvider(logs).AddFilter("DurableTask", LogLevel.Warning);
        builder.Services.AddSpeechToText(builder.Configuration).AddTranscriptionJobs(builder.Configuration);
        builder.Services.AddSingleton<LocalTaskHub>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalTaskHub>());
        builder.Services.AddSingleton(sp => new AzureStorageClientSource(() => sp.GetRequiredService<LocalTaskHub>().Service));
        builder.Services.AddSingleton<DurableTaskClient, LocalDurableTaskClient>();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        var harness = new DurableHarness(host, storage, logs);
        await harness.Blobs.EnsureCreatedAsync(default);
        return harness;
    }

    public async Task UploadAsync(string name, string file, IDictionary<string, string>? metadata = null)
    {
        await using var s = File.OpenRead(file);
        await Blobs.Input.GetBlobClient(name).UploadAsync(s, new BlobUploadOptions { Metadata = metadata });
    }

    /// <summary>Schedules the job of <paramref name="name"/> (as its blob event would) and waits until it has ended.</summary>
    public async Task<JobStatus> RunAsync(string name, TimeSpan? timeout = null)
    {
        var id = await Scheduler.ScheduleAsync(Client, name, default) ?? throw new InvalidOperationException($"{name} was not scheduled");
        return await WaitAsync(id, timeout);
    }

    public async Task<JobStatus> WaitAsync(string jobId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        await Client.WaitForInstanceCompletionAsync(jobId, cancellation: cts.Token);
        return (await Get<JobStatusReader>().GetAsync(Client, jobId, default))!;
    }

    public async Task<JsonDocument> ReadOutputJsonAsync(string name) =>
        JsonDocument.Parse((await Blobs.Output.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToMemory());

    public async Task<byte[]> ReadOutputAsync(string name) => (await Blobs.Output.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}
