
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Http;

namespace SpeechToText.Server;

/// <summary>
/// Verbs the scripts use: <c>hash-key KEY</c> prints the SHA-256 to put in Auth:Keys;
/// <c>verify-model PATH</c> prints what a ggml file holds. (The synthetic model generator is tools/SpeechToText.ModelTools.)
/// </summary>
internal static class ServerCommands
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        switch (args)
        {
            case ["hash-key", var key]:
                Console.WriteLine(AuthOptions.HashKey(key));
                return true;
            case ["verify-model", var path]:
                var info = ModelFileInfo.Inspect(path);
                Console.WriteLine(info);
                return true;
            default:
                return false;
        }
    }
}
