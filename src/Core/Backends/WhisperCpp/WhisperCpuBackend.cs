using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The ggml CPU backend this process computes with. scripts/build-whisper.sh builds ggml's CPU backend once per x86-64
/// feature level (libggml-cpu-x64.so … -haswell, -skylakex, -icelake, -zen4, -sapphirerapids); each module says
/// through <c>ggml_backend_score</c> whether this CPU can run it and how well, and the best one is loaded, as
/// whisper-cli's <c>ggml_backend_load_all</c> does, but here the choice is known, logged and shown on /health, and
/// <see cref="WhisperOptions.CpuVariant"/> can pin one. A build with the CPU backend linked in (no modules) reports
/// the variant <see cref="BuiltIn"/>.
/// </summary>
public sealed record WhisperCpuBackend(string Variant, string? Library, IReadOnlyList<string> Features, IReadOnlyList<string> Available)
{
    public const string BuiltIn = "built-in";
    private const string ModulePrefix = "libggml-cpu-";
    private const string ModuleSuffix = ".so";

    /// <summary>The variant a module file carries: <c>libggml-cpu-zen4.so</c> → <c>zen4</c>.</summary>
    public static string VariantOf(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith(ModulePrefix, StringComparison.Ordinal) && name.EndsWith(ModuleSuffix, StringComparison.Ordinal)
            ? name[ModulePrefix.Length..^ModuleSuffix.Length]
            : name;
    }

    /// <summary>The CPU variant modules in <paramref name="directory"/>, by variant name.</summary>
    public static IReadOnlyList<string> Modules(string directory) => System.IO.Directory.Exists(directory)
        ? System.IO.Directory.EnumerateFiles(directory, ModulePrefix + "*" + ModuleSuffix).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>
    /// Loads the best CPU variant in <paramref name="directory"/> this CPU supports (or <paramref name="requested"/>), after
    /// libggml itself is loaded. Throws <see cref="InvalidOperationException"/> naming the variants when none can run
    /// here or the requested one is missing or unsupported.
    /// </summary>
    internal static unsafe WhisperCpuBackend Load(string directory, string? requested)
    {
        var modules = Modules(directory);
        if (modules.Count == 0)
        {
            // whisper.cpp built without GGML_BACKEND_DL: the CPU backend is part of libggml and already registered.
            if (!string.IsNullOrEmpty(requested))
            {
                throw new InvalidOperationException(
                    $"Whisper:CpuVariant is '{requested}', but '{directory}' has no CPU variant modules (libggml-cpu-*.so): this whisper.cpp build has its CPU backend built in.");
            }
            var builtIn = GgmlNative.RegByName("CPU");
            return new WhisperCpuBackend(BuiltIn, null, builtIn == IntPtr.Zero ? [] : GgmlNative.Features(builtIn), []);
        }
        var scores = modules.Select(path => (Path: path, Variant: VariantOf(path), Score: Score(path))).ToArray();
        var available = scores.Where(s => s.Score > 0).Select(s => s.Variant).ToArray();
        (string Path, string Variant, int Score) chosen;
        if (!string.IsNullOrEmpty(requested))
        {
            chosen = scores.FirstOrDefault(s => s.Variant == requested);
            if (chosen.Path is null)
            {
                throw new InvalidOperationException(
                    $"Whisper:CpuVariant '{requested}' is not in '{directory}' (variants there: {string.Join(", ", scores.Select(s => s.Variant))}).");
            }
            if (chosen.Score <= 0)
            {
                throw new InvalidOperationException(
                    $"Whisper:CpuVariant '{requested}' needs instructions this CPU lacks (variants this CPU runs: {string.Join(", ", available)}).");
            }
        }
        else
        {
            chosen = scores.MaxBy(s => s.Score);
            if (chosen.Score <= 0)
            {
                throw new InvalidOperationException(
                    $"None of the CPU variants in '{directory}' runs on this CPU ({string.Join(", ", scores.Select(s => s.Variant))}).");
            }
        }
        var reg = GgmlNative.BackendLoad(chosen.Path);
        if (reg == IntPtr.Zero)
        {
            throw new InvalidOperationException($"ggml could not load its CPU backend '{chosen.Path}'.");
        }
        return new WhisperCpuBackend(chosen.Variant, chosen.Path, GgmlNative.Features(reg), available);
    }

    /// <summary>The module's own score for this CPU (0: it uses instructions this CPU lacks), without registering it.</summary>
    private static unsafe int Score(string path)
    {
        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            return 0;
        }
        try
        {
            return NativeLibrary.TryGetExport(handle, "ggml_backend_score", out var score)
                ? ((delegate* unmanaged<int>)score)()
                : 0;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }
}
