using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

public static class AudioServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IAudioDecoder"/> and its parts, with <see cref="AudioOptions"/> bound from the
    /// <c>Audio</c> section, <c>FFMPEG_PATH</c> (when set) overriding the ffmpeg path, validated at start.
    /// </summary>
    public static IServiceCollection AddAudioDecoding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AudioOptions>()
            .Bind(configuration.GetSection(AudioOptions.SectionName))
            .PostConfigure(options =>
            {
                if (configuration[AudioOptions.FfmpegPathOverrideKey] is { Length: > 0 } path)
                {
                    options.FfmpegPath = path;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AudioOptions>, AudioOptionsValidator>());
        services.TryAddSingleton<WavDecoder>();
        services.TryAddSingleton<FfmpegDecoder>();
        services.TryAddSingleton<IAudioDecoder, AudioDecoder>();
        return services;
    }
}
