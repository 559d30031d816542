using Microsoft.DurableTask.Client;
using SpeechToText.Server.Jobs;

namespace SpeechToText.Server.Durable;

public static class LocalDurableServiceCollectionExtensions
{
    /// <summary>
    /// The local durable pipeline: with <paramref name="runPipeline"/> the task hub's worker, the blob watcher and the
    /// housekeeper run in this process; either way a <see cref="DurableTaskClient"/> over the task hub answers the
    /// status endpoints.
    /// </summary>
    public static IServiceCollection AddLocalDurablePipeline(this IServiceCollection services, bool runPipeline)
    {
        services.AddSingleton<LocalTaskHub>();
        services.AddSingleton(sp => new AzureStorageClientSource(() => sp.GetRequiredService<LocalTaskHub>().Service));
        services.AddSingleton<DurableTaskClient, LocalDurableTaskClient>();
        if (runPipeline)
        {
            services.AddHostedService(sp => sp.GetRequiredService<LocalTaskHub>());
            services.AddHostedService<BlobWatcher>();
            services.AddHostedService<JobHousekeeper>();
        }
        return services;
    }
}
