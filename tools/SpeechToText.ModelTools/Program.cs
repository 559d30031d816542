namespace SpeechToText.ModelTools;

/// <summary>
/// <c>generate-test-model PATH [test|tiny|base|small] [--multilingual]</c>: writes a synthetic ggml model (random
/// weights). The size defaults to tiny; base and small have those models' real dimensions (for benchmarks).
/// </summary>
internal static class Program
{
    private const string Usage = "usage: generate-test-model PATH [test|tiny|base|small] [--multilingual]";

    private static readonly Dictionary<string, SyntheticModelSize> Sizes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["test"] = SyntheticModelSize.Test,
        ["tiny"] = SyntheticModelSize.Tiny,
        ["base"] = SyntheticModelSize.Base,
        ["small"] = SyntheticModelSize.Small,
    };

    private static int Main(string[] args)
    {
        if (args is not ["generate-test-model", var path, .. var rest])
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var size = SyntheticModelSize.Tiny;
        bool multilingual = false;
        foreach (var arg in rest)
        {
            if (arg == "--multilingual")
            {
                multilingual = true;
            }
            else if (Sizes.TryGetValue(arg, out var named))
            {
                size = named;
            }
            else
            {
                Console.Error.WriteLine($"unknown argument '{arg}'; {Usage}");
                return 2;
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SyntheticGgmlModel.Write(path, size, multilingual, seed: 1);
        Console.WriteLine($"wrote synthetic {size} model ({(multilingual ? "multilingual" : "English-only")}) to {path}");
        return 0;
    }
}
