using SpeechToText.Core.Api;
using SpeechToText.Core.Engines.WhisperCpp;

namespace SpeechToText.Server;

/// <summary>
/// Verbs the scripts use: <c>hash-key KEY</c> prints the SHA-256 to put in Auth:Keys;
/// <c>generate-test-model PATH [test|tiny] [--multilingual]</c> writes a synthetic ggml model.
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
            case ["generate-test-model", var path, .. var rest]:
                var size = rest.Contains("test") ? SyntheticModelSize.Test : SyntheticModelSize.Tiny;
                bool multilingual = rest.Contains("--multilingual");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                SyntheticGgmlModel.Write(path, size, multilingual, seed: 1);
                Console.WriteLine($"wrote synthetic {size} model ({(multilingual ? "multilingual" : "English-only")}) to {path}");
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
