using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Realtime;

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>Live transcription sessions: options (validated at start), the session host and the client secrets.</summary>
    public static IServiceCollection AddRealtimeTranscription(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeOptions>().Bind(configuration.GetSection(RealtimeOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RealtimeSessions>();
        services.TryAddSingleton<RealtimeClientSecrets>();
        return services;
    }
}
