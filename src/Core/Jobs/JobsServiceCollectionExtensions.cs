using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Api;

namespace SpeechToText.Core.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// The blob pipeline's options (validated at start), storage clients and steps. When storage is configured,
    /// the HTTP 413 message tells users where large files go (Api:LargeFileHint, unless set explicitly).
    /// </summary>
    public static IServiceCollection AddTranscriptionJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton<JobStorage>();
        services.TryAddSingleton<ManifestStore>();
        services.TryAddSingleton<IChunkPlanner, SileroChunkPlanner>();
        services.TryAddSingleton<PipelineSteps>();
        services.TryAddSingleton<WorkItemRunner>();
        services.AddOptions<ApiOptions>().PostConfigure<IOptions<StorageOptions>>((api, storage) =>
        {
            if (string.IsNullOrWhiteSpace(api.LargeFileHint) && storage.Value.IsConfigured)
            {
                api.LargeFileHint = $"Upload larger files to the '{storage.Value.InputContainer}' container of storage account " +
                    $"'{AccountOf(storage.Value)}'; transcripts appear in '{storage.Value.OutputContainer}'.";
            }
        });
        return services;
    }

    /// <summary>The account name without creating clients or revealing keys.</summary>
    internal static string AccountOf(StorageOptions o)
    {
        if (o.BlobServiceUri is { } uri)
        {
            return uri.Host.Split('.')[0];
        }
        foreach (var part in (o.ConnectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("AccountName=", StringComparison.OrdinalIgnoreCase))
            {
                return part["AccountName=".Length..];
            }
        }
        return o.ConnectionString?.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase) == true ? "devstoreaccount1" : "the configured account";
    }
}
