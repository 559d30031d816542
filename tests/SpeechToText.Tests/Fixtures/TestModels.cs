
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.ModelTools;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// Synthetic whisper models the tests generate themselves (no real weights are obtainable here):
/// real ggml layout, random weights, so whisper.cpp runs end to end and the text is meaningless.
/// Generated once per test run into a temp folder.
/// </summary>
public static class TestModels
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), $"stt-test-models-{Environment.ProcessId}");
    private static readonly Lazy<string> TestEn = new(() => Write("ggml-synthetic-test.en.bin", SyntheticModelSize.Test, false));
    private static readonly Lazy<string> TestMultilingual = new(() => Write("ggml-synthetic-test.bin", SyntheticModelSize.Test, true));
    private static readonly Lazy<string> TinyEn = new(() => Write("ggml-synthetic-tiny.en.bin", SyntheticModelSize.Tiny, false));

    /// <summary>Small dimensions: loads and decodes in milliseconds.</summary>
    public static string Test => TestEn.Value;

    public static string TestMultilingualModel => TestMultilingual.Value;

    /// <summary>tiny's real dimensions: realistic compute (seconds per minute of audio).</summary>
    public static string Tiny => TinyEn.Value;

    public static string VadModel => Path.Combine(AppContext.BaseDirectory, "models", "ggml-silero-v6.2.0.bin");

    private static string Write(string name, SyntheticModelSize size, bool multilingual)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        if (!File.Exists(path))
        {
            SyntheticGgmlModel.Write(path + ".tmp", size, multilingual, seed: 7);
            File.Move(path + ".tmp", path, overwrite: true);
        }
        return path;
    }
}
