using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// Finds libwhisper in the configured native folder (default <c>native/</c> next to the app) instead of
/// the system search path, loads the ggml CPU backend it computes with (<see cref="WhisperCpuBackend"/>), and routes
/// whisper.cpp's log output to an <see cref="ILogger"/>.
/// All of it is process-wide, so it is done once; the first configured folder (and CPU variant) wins.
/// </summary>
public static unsafe class WhisperNativeLibrary
{
    private static readonly Lock Gate = new();
    private static string? _directory;
    private static string? _cpuVariant;
    private static IntPtr _whisper;
    private static IntPtr _ggml;
    private static WhisperCpuBackend? _cpuBackend;
    private static InvalidOperationException? _cpuBackendFailure;
    private static bool _resolverInstalled;
    private static ILogger? _logger;
    private static bool _logHooked;

    /// <summary>The default folder: <c>native/</c> beside the application's assemblies.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "native");

    /// <summary>The folder libwhisper is (or will be) loaded from.</summary>
    public static string? Directory => _directory;

    /// <summary>The CPU backend ggml computes with, once libwhisper is loaded.</summary>
    public static WhisperCpuBackend? CpuBackend => Volatile.Read(ref _cpuBackend);

    /// <summary>
    /// Chooses the folder (Whisper:NativeDirectory, which Whisper__NativeDirectory sets from the environment, else the default)
    /// and the CPU variant (Whisper:CpuVariant, else the best this CPU runs), and installs the resolver. Later calls
    /// with other values are ignored: a native library cannot be swapped once loaded.
    /// </summary>
    public static void Configure(string? directory, string? cpuVariant = null)
    {
        lock (Gate)
        {
            _directory ??= ResolveDirectory(directory);
            _cpuVariant ??= string.IsNullOrWhiteSpace(cpuVariant) ? null : cpuVariant;
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

    /// <summary>Loads libwhisper now (its ggml dependencies first, then the CPU backend); throws DllNotFoundException with the folder in the message, or InvalidOperationException when no CPU variant can run.</summary>
    public static void EnsureLoaded()
    {
        Configure(null);
        lock (Gate)
        {
            _whisper = _whisper != IntPtr.Zero ? _whisper : LoadWhisper(_directory!);
            if (_cpuBackendFailure is { } failure)
            {
                throw new InvalidOperationException(failure.Message, failure);
            }
        }
    }

    /// <summary>Sends whisper.cpp and ggml log lines to <paramref name="logger"/> at debug level (errors at warning).</summary>
    public static void RouteLogTo(ILogger logger)
    {
        EnsureLoaded();
        lock (Gate)
        {
            _logger = logger;
            HookLogLocked();
        }
    }

    private static void HookLogLocked()
    {
        if (!_logHooked)
        {
            _logHooked = true;
            WhisperNative.LogSet(&OnNativeLog, IntPtr.Zero);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != WhisperNative.Library && libraryName != GgmlNative.Library)
        {
            return IntPtr.Zero;
        }
        lock (Gate)
        {
            _whisper = _whisper != IntPtr.Zero ? _whisper : LoadWhisper(_directory ?? ResolveDirectory(null));
            return libraryName == GgmlNative.Library ? _ggml : _whisper;
        }
    }

    private static IntPtr LoadWhisper(string directory)
    {
        // libwhisper carries RPATH $ORIGIN, but loading the ggml libraries by full path first makes
        // the folder authoritative even when the loader would look elsewhere (or on other platforms).
        // libggml-cpu exists only in a build with the CPU backend linked in; otherwise its variants are modules.
        string[] dependencies = WhisperCpuBackend.Modules(directory).Count > 0 ? ["ggml-base", "ggml"] : ["ggml-base", "ggml-cpu", "ggml"];
        foreach (var dependency in dependencies)
        {
            var path = FindLibrary(directory, dependency);
            if (path is not null && NativeLibrary.TryLoad(path, out var handle) && dependency == "ggml")
            {
                _ggml = handle;
            }
        }
        var whisper = FindLibrary(directory, "whisper")
            ?? throw new DllNotFoundException($"libwhisper was not found in '{directory}'. Set Whisper:NativeDirectory (Whisper__NativeDirectory).");
        var loaded = NativeLibrary.Load(whisper);
        if (_ggml == IntPtr.Zero)
        {
            throw new DllNotFoundException($"libggml was not found in '{directory}' beside libwhisper.");
        }
        // Before any model or VAD context: with the CPU backend built as modules, ggml has no device until one is loaded.
        _whisper = loaded;
        // whisper.cpp and ggml print to stderr until a callback is set: set it now, so that what they say before
        // RouteLogTo has a logger (a preload, the CPU variant scan) is dropped rather than printed.
        HookLogLocked();
        try
        {
            Volatile.Write(ref _cpuBackend, WhisperCpuBackend.Load(directory, _cpuVariant));
        }
        catch (InvalidOperationException e)
        {
            // Kept: every later EnsureLoaded (each model load) fails with it, and the engine reports it.
            _cpuBackendFailure = e;
        }
        return loaded;
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
