using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;
using CoreStatus = DurableTask.Core.OrchestrationStatus;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;
using SdkQuery = Microsoft.DurableTask.Client.OrchestrationQuery;

namespace SpeechToText.Server.Durable;

/// <summary>
/// Where the client finds the task hub's service: the running hub's, or (with storage configured but the pipeline not
/// run by this host) a client-only service over the same task hub, for the status endpoints.
/// </summary>
public sealed class AzureStorageClientSource(Func<global::DurableTask.AzureStorage.AzureStorageOrchestrationService> service)
{
    private readonly Lazy<global::DurableTask.AzureStorage.AzureStorageOrchestrationService> _service = new(service);

    public global::DurableTask.AzureStorage.AzureStorageOrchestrationService Service => _service.Value;
}
