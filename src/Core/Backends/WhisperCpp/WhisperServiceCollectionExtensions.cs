using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Backends.WhisperCpp;

public static class WhisperServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local whisper.cpp engine as the singleton <see cref="IWhisperEngine"/> (also as
    /// <see cref="WhisperEngine"/>), with <see cref="WhisperOptions"/> bound from the "Whisper" section
    /// (WHISPER_MODEL fills ModelPath when it is unset) and validated at start. When LoadOnStart is set,
    /// a hosted service starts loading the model in the background as the host starts.
    /// </summary>
    public static IServiceCollection AddWhisperEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WhisperOptions>()
            .Bind(configuration.GetSection(WhisperOptions.SectionName))
            .PostConfigure(options => FillModelPath(options, configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WhisperOptions>, WhisperOptionsValidator>());
        services.TryAddSingleton<WhisperEngine>();
        services.TryAddSingleton<IWhisperEngine>(sp => sp.GetRequiredService<WhisperEngine>());
        services.AddHostedService<WhisperModelLoader>();
        return services;
    }

    /// <summary>
    /// Starts loading the native library and the model of <paramref name="configuration"/> on a background thread
    /// now, while the host is still being built; the engine takes that model when it loads (same file, folder and
    /// CPU variant) instead of loading its own. Nothing happens when LoadOnStart is off or no model is set; a failed
    /// preload is forgotten and the engine's own load reports the reason.
    /// </summary>
    public static void PreloadWhisperModel(IConfiguration configuration)
    {
        var options = configuration.GetSection(WhisperOptions.SectionName).Get<WhisperOptions>() ?? new WhisperOptions();
        FillModelPath(options, configuration);
        if (options.LoadOnStart && !string.IsNullOrWhiteSpace(options.ModelPath))
        {
            WhisperEngine.Preload(options);
        }
    }

    private static void FillModelPath(WhisperOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            // WHISPER_MODEL arrives through configuration: both hosts read environment variables into it.
            var fromEnvironment = configuration[WhisperOptions.ModelPathVariable];
            options.ModelPath = string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment;
        }
    }
}
