using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Storage;

namespace SpeechToText.Core.Usage;

public static class UsageServiceCollectionExtensions
{
    /// <summary>
    /// Usage metering: options (validated at start), the recorder, the store (append blobs when Storage:* is
    /// configured, local files otherwise) and the background writer, as a hosted service of whichever host runs.
    /// </summary>
    public static IServiceCollection AddUsageMetering(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UsageOptions>().Bind(configuration.GetSection(UsageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UsageOptions>, UsageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UsageRecorder>();
        // Append blobs where storage is configured, local files otherwise.
        services.AddStorage(configuration);
        services.TryAddSingleton<IUsageStore>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<BlobUsageStore>(sp)
            : ActivatorUtilities.CreateInstance<FileUsageStore>(sp));
        services.TryAddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        return services;
    }
}
