namespace SpeechToText.ModelTools;

/// <summary><c>generate-test-model PATH [test|tiny] [--multilingual]</c>: writes a synthetic ggml model (random weights).</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is not ["generate-test-model", var path, .. var rest])
        {
            Console.Error.WriteLine("usage: generate-test-model PATH [test|tiny] [--multilingual]");
            return 2;
        }
        var size = rest.Contains("test") ? SyntheticModelSize.Test : SyntheticModelSize.Tiny;
        bool multilingual = rest.Contains("--multilingual");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SyntheticGgmlModel.Write(path, size, multilingual, seed: 1);
        Console.WriteLine($"wrote synthetic {size} model ({(multilingual ? "multilingual" : "English-only")}) to {path}");
        return 0;
    }
}
