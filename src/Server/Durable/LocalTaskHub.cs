using Azure.Core;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Storage;

namespace SpeechToText.Server.Durable;

/// <summary>
/// The local server's durable engine: DTFx's <see cref="TaskHubWorker"/> (the dispatcher Durable Functions itself runs)
/// over its Azure Storage provider, on Azurite or a real account, running Core's orchestrators and activities through
/// the Durable Task SDK's shims, the same classes the Functions app runs. Its task hub (Pipeline:TaskHub) is its
/// own. Finished work survives a crash: after a restart, the work cut off resumes when its lock expires
/// (Pipeline:ActivityLockTimeout) and what had finished is not run again.
/// </summary>
public sealed class LocalTaskHub : IHostedService, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<LocalTaskHub> _logger;
    private readonly DurableTaskShimFactory _shims;
    private readonly int _activityConcurrency;
    private readonly string _taskHub;
    private TaskHubWorker? _worker;

    public LocalTaskHub(IServiceProvider services, IOptions<StorageOptions> storage, IOptions<PipelineOptions> pipeline, IOptions<WhisperOptions> whisper,
        TokenCredential credential, ILoggerFactory loggerFactory)
    {
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LocalTaskHub>();
        _shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggerFactory);
        var p = pipeline.Value;
        _taskHub = p.TaskHub;
        // One more than the engine's slots: planning or stitching another job never waits behind the chunks.
        _activityConcurrency = p.ActivityConcurrency ?? whisper.Value.EffectiveSlots(Environment.ProcessorCount) + 1;
        Service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = p.TaskHub,
            StorageAccountClientProvider = ClientProvider(storage.Value, credential),
            MaxConcurrentTaskActivityWorkItems = _activityConcurrency,
            MaxConcurrentTaskOrchestrationWorkItems = 8,
            WorkItemQueueVisibilityTimeout = p.ActivityLockTimeout,
            // The provider's minimum: after a crash, an orchestration step the dead process held comes back within a minute.
            ControlQueueVisibilityTimeout = TimeSpan.FromMinutes(1),
            // One process locally: one partition is one control queue to poll.
            PartitionCount = 1,
            MaxQueuePollingInterval = p.QueuePollingInterval,
            LoggerFactory = loggerFactory,
        });
    }

    public AzureStorageOrchestrationService Service { get; }

    private static StorageAccountClientProvider ClientProvider(StorageOptions o, TokenCredential credential) => !string.IsNullOrWhiteSpace(o.ConnectionString)
        ? new StorageAccountClientProvider(o.ConnectionString)
        : new StorageAccountClientProvider(o.BlobServiceUri!, o.QueueServiceUri!, o.TableServiceUri!, credential);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Service.CreateIfNotExistsAsync().ConfigureAwait(false);
        _worker = new TaskHubWorker(Service, _loggerFactory);
        _worker.AddTaskOrchestrations([.. Core.Jobs.JobsServiceCollectionExtensions.JobOrchestrators.Select(o => (ObjectCreator<TaskOrchestration>)new Creator<TaskOrchestration>(o.Name,
            () => _shims.CreateOrchestration(new TaskName(o.Name), (ITaskOrchestrator)ActivatorUtilities.CreateInstance(_services, o.Type))))]);
        _worker.AddTaskActivities([.. Core.Jobs.JobsServiceCollectionExtensions.JobActivities.Select(a => (ObjectCreator<TaskActivity>)new Creator<TaskActivity>(a.Name,
            () => _shims.CreateActivity(new TaskName(a.Name), (ITaskActivity)_services.GetRequiredService(a.Type))))]);
        await _worker.StartAsync().ConfigureAwait(false);
        _logger.LogInformation("Pipeline task hub '{TaskHub}' running: {Activities} activities at once", _taskHub, _activityConcurrency);
    }

    /// <summary>
    /// Stops taking work. Running activities are abandoned, not awaited (a chunk can take minutes): their messages
    /// reappear after the lock timeout and run again, which they may since every activity is idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(isForced: true).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _worker?.Dispose();
        Service.Dispose();
    }

    /// <summary>A fresh shim per work item: an orchestration shim holds that execution's state.</summary>
    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = "";
            _create = create;
        }

        public override T Create() => _create();
    }
}
