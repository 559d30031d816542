using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Http;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// The blob pipeline: its options (validated at start), storage, the orchestration's activities (hosts register
    /// them with their Durable Task worker), scheduling, status and housekeeping.
    /// </summary>
    public static IServiceCollection AddTranscriptionJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.AddStorage(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChunkPlanner, SileroChunkPlanner>();
        services.TryAddSingleton<PipelineDecoder>();
        services.TryAddSingleton<JobStatusDocuments>();
        services.TryAddSingleton<JobMetering>();
        services.TryAddSingleton<JobScheduler>();
        services.TryAddSingleton<JobStatusReader>();
        services.TryAddSingleton<JobHousekeeping>();
        services.TryAddSingleton<PlanJobActivity>();
        services.TryAddSingleton<TranscribeChunkActivity>();
        services.TryAddSingleton<StitchJobActivity>();
        services.TryAddSingleton<FailJobActivity>();
        return services;
    }

    /// <summary>The orchestrators and activities of a job, by the names the orchestration calls them: what a host registers with its worker.</summary>
    public static IReadOnlyList<(string Name, Type Type)> JobOrchestrators { get; } =
    [
        (TranscriptionJobOrchestrator.Name, typeof(TranscriptionJobOrchestrator)),
        (ChunkBatchOrchestrator.Name, typeof(ChunkBatchOrchestrator)),
    ];

    public static IReadOnlyList<(string Name, Type Type)> JobActivities { get; } =
    [
        (PlanJobActivity.Name, typeof(PlanJobActivity)),
        (TranscribeChunkActivity.Name, typeof(TranscribeChunkActivity)),
        (StitchJobActivity.Name, typeof(StitchJobActivity)),
        (FailJobActivity.Name, typeof(FailJobActivity)),
    ];
}
