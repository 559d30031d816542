using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The service's one <see cref="TokenCredential"/>, from section "Identity", shared by storage, Azure OpenAI
    /// and telemetry. Each registration that needs it calls this; the first one wins, so a host (or a test) that
    /// registers its own credential first keeps it.
    /// </summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IConfigureOptions<IdentityOptions>)))
        {
            return services;
        }
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<IdentityOptions>>().Value.CreateCredential());
        return services;
    }

    /// <summary>
    /// Storage: its options (validated at start) and the pipeline's blob containers, authenticated by a connection
    /// string or the shared credential. Safe to call from every registration that reads storage (jobs, usage, the
    /// 413 hint); the first call registers, later ones do nothing.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAzureCredential(configuration);
        if (services.Any(d => d.ServiceType == typeof(JobStorage)))
        {
            return services;
        }
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton<JobStorage>();
        return services;
    }
}
