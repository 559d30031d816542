using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Backends.AzureOpenAI;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Http;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Models;
using SpeechToText.Core.Realtime;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core;

public static class SpeechToTextServiceCollectionExtensions
{
    /// <summary>Everything both hosts need: options (validated at start), decoder, engine, catalog, router, handlers, metering and limits.</summary>
    public static IServiceCollection AddSpeechToText(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        // When storage is configured, the 413 message says where large files go.
        services.AddStorage(configuration);
        services.AddOptions<ApiOptions>().PostConfigure<IOptions<StorageOptions>>((api, storage) =>
        {
            if (string.IsNullOrWhiteSpace(api.LargeFileHint) && storage.Value.IsConfigured)
            {
                api.LargeFileHint = $"Upload larger files to the '{storage.Value.InputContainer}' container of storage account " +
                    $"'{storage.Value.AccountName()}'; transcripts appear in '{storage.Value.OutputContainer}'.";
            }
        });
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<ModelsOptions>().Bind(configuration.GetSection(ModelsOptions.Section));
        services.AddSingleton<ApiKeyValidator>();
        CorsSettings.Register(services, configuration);
        // ASP.NET Core's "Request starting/finished" lines print the query string, where some clients put their
        // api-key. Added after the host's configuration rules, this rule wins over any Logging:LogLevel setting.
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(
            new LoggerFilterRule(null, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning, null)));
        services.AddSingleton<KeyLimiter>();
        services.AddUsageMetering(configuration);

        services.AddAudioDecoding(configuration);
        services.AddWhisperEngine(configuration);

        services.AddOptions<AzureOpenAIOptions>().Bind(configuration.GetSection(AzureOpenAIOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AzureOpenAIOptions>, AzureOpenAIOptionsValidator>();

        // One catalog: the local engine's ids, then the Azure OpenAI deployments (ids must not collide).
        services.AddSingleton(sp =>
        {
            var azure = sp.GetRequiredService<IOptions<AzureOpenAIOptions>>().Value.Entries().ToList();
            return new ModelCatalog(LocalModels(sp.GetRequiredService<IOptions<ModelsOptions>>().Value, sp.GetRequiredService<IWhisperEngine>().Status,
                azure.Select(e => e.Id).ToHashSet(StringComparer.Ordinal)).Concat(azure));
        });
        services.AddSingleton<LocalWhisperBackend>();
        services.AddSingleton<ITranscriptionBackend>(sp => sp.GetRequiredService<LocalWhisperBackend>());
        services.AddAzureCredential(configuration);
        services.AddSingleton<AzureOpenAIBackend>();
        services.AddSingleton<ITranscriptionBackend>(sp => sp.GetRequiredService<AzureOpenAIBackend>());
        services.AddSingleton<TranscriptionRouter>();
        services.AddSingleton<TranscriptionHandler>();
        // The other endpoints, used by both hosts.
        services.AddSingleton<ModelsEndpoints>();
        services.AddSingleton<UsageEndpoint>();
        // Live transcription (src/Server maps it; Azure Functions cannot hold WebSockets).
        services.AddRealtimeTranscription(configuration);
        services.AddSingleton<RealtimeEndpoints>();
        return services;
    }

    /// <summary>
    /// The blob pipeline (<see cref="JobsServiceCollectionExtensions.AddTranscriptionJobs"/>) and its HTTP endpoints;
    /// the host runs the orchestration (Durable Functions, or the local task hub).
    /// </summary>
    public static IServiceCollection AddSpeechToTextJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTranscriptionJobs(configuration);
        services.TryAddSingleton<JobsEndpoints>();
        return services;
    }

    private static IEnumerable<ModelEntry> LocalModels(ModelsOptions models, WhisperEngineStatus status, IReadOnlyCollection<string> taken) =>
        models.LocalEntries(status.ModelPath, status.Description, taken);
}
