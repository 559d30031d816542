using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.Functions;

/// <summary>
/// scripts/package-functions.sh puts the chosen whisper model in models/ beside the app. It becomes the
/// default Whisper:ModelPath, below every other configuration source, so an app setting still wins. A package
/// built without a model leaves the path unset: /health and /v1/models then say the local model is unavailable.
/// </summary>
internal static class BundledModel
{
    public static void UseAsDefault(IConfigurationBuilder configuration)
    {
        var models = Path.Combine(AppContext.BaseDirectory, "models");
        var bundled = Directory.Exists(models)
            ? Directory.EnumerateFiles(models, "ggml-*.bin").Where(f => !Path.GetFileName(f).StartsWith("ggml-silero-", StringComparison.Ordinal)).Order().FirstOrDefault()
            : null;
        if (bundled is not null)
        {
            configuration.Sources.Insert(0, new MemoryConfigurationSource
            {
                InitialData = [new($"{WhisperOptions.SectionName}:{nameof(WhisperOptions.ModelPath)}", bundled)],
            });
        }
    }
}
