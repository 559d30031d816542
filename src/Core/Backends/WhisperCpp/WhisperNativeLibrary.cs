using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// Finds libwhisper in the configured native folder (default <c>native/</c> next to the app) instead of
/// the system search path, and routes whisper.cpp's log output to an <see cref="ILogger"/>.
/// Both hooks are process-wide, so they are installed once; the first configured folder wins.
/// </summary>
public static unsafe class WhisperNativeLibrary
{
    private static readonly Lock Gate = new();
    private static string? _directory;
    private static IntPtr _whisper;
    private static bool _resolverInstalled;
    private static ILogger? _logger;
    private static bool _logHooked;

    /// <summary>The default folder: <c>native/</c> beside the application's assemblies.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "native");

    /// <summary>The folder libwhisper is (or will be) loaded from.</summary>
    public static string? Directory => _directory;

    /// <summary>
    /// Chooses the folder (Whisper:NativeDirectory, which Whisper__NativeDirectory sets from the environment, else the default) and
    /// installs the resolver. Later calls with another folder are ignored: a native library cannot be
    /// swapped once loaded.
    /// </summary>
    public static void Configure(string? directory)
    {
        lock (Gate)
        {
            _directory ??= ResolveDirectory(directory);
            if (!_resolverInstalled)
            {
                NativeLibrary.SetDllImportResolver(typeof(WhisperNativeLibrary).Assembly, Resolve);
                _resolverInstalled = true;
            }
        }
    }

    internal static string ResolveDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }
        return DefaultDirectory;
    }

    /// <summary>Loads libwhisper now (and its ggml dependencies first); throws DllNotFoundException with the folder in the message.</summary>
    public static void EnsureLoaded()
    {
        Configure(null);
        lock (Gate)
        {
            _whisper = _whisper != IntPtr.Zero ? _whisper : LoadWhisper(_directory!);
        }
    }

    /// <summary>Sends whisper.cpp and ggml log lines to <paramref name="logger"/> at debug level (errors at warning).</summary>
    public static void RouteLogTo(ILogger logger)
    {
        EnsureLoaded();
        lock (Gate)
        {
            _logger = logger;
            if (!_logHooked)
            {
                WhisperNative.LogSet(&OnNativeLog, IntPtr.Zero);
                _logHooked = true;
            }
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != WhisperNative.Library)
        {
            return IntPtr.Zero;
        }
        lock (Gate)
        {
            _whisper = _whisper != IntPtr.Zero ? _whisper : LoadWhisper(_directory ?? ResolveDirectory(null));
            return _whisper;
        }
    }

    private static IntPtr LoadWhisper(string directory)
    {
        // libwhisper carries RPATH $ORIGIN, but loading the ggml libraries by full path first makes
        // the folder authoritative even when the loader would look elsewhere (or on other platforms).
        foreach (var dependency in new[] { "ggml-base", "ggml-cpu", "ggml" })
        {
            var path = FindLibrary(directory, dependency);
            if (path is not null)
            {
                NativeLibrary.TryLoad(path, out _);
            }
        }
        var whisper = FindLibrary(directory, "whisper")
            ?? throw new DllNotFoundException($"libwhisper was not found in '{directory}'. Set Whisper:NativeDirectory (Whisper__NativeDirectory).");
        return NativeLibrary.Load(whisper);
    }

    private static string? FindLibrary(string directory, string name)
    {
        string[] candidates = OperatingSystem.IsWindows() ? [$"{name}.dll"]
            : OperatingSystem.IsMacOS() ? [$"lib{name}.dylib"]
            : [$"lib{name}.so", $"lib{name}.so.1", $"lib{name}.so.0"];
        return candidates.Select(c => Path.Combine(directory, c)).FirstOrDefault(File.Exists);
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void OnNativeLog(GgmlLogLevel level, byte* text, IntPtr userData)
    {
        try
        {
            var logger = _logger;
            if (logger is null || text is null)
            {
                return;
            }
            var line = WhisperNative.Utf8(text).TrimEnd('\n');
            if (line.Length == 0)
            {
                return;
            }
            var logLevel = level == GgmlLogLevel.Error ? LogLevel.Warning : LogLevel.Debug;
            if (logger.IsEnabled(logLevel))
            {
                logger.Log(logLevel, "whisper.cpp: {Line}", line);
            }
        }
        catch
        {
            // An exception must never unwind into native code.
        }
    }
}
