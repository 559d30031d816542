using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The few ggml-backend.h functions the engine calls itself, to load the CPU backend it computes with. "ggml" is
/// resolved by <see cref="WhisperNativeLibrary"/> to the libggml of the native folder.
/// </summary>
internal static unsafe partial class GgmlNative
{
    public const string Library = "ggml";

    /// <summary>Loads a backend module and registers it; zero when the file is not a backend this ggml can use.</summary>
    [LibraryImport(Library, EntryPoint = "ggml_backend_load", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr BackendLoad(string path);

    /// <summary>A registered backend by name ("CPU"), or zero.</summary>
    [LibraryImport(Library, EntryPoint = "ggml_backend_reg_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr RegByName(string name);

    [LibraryImport(Library, EntryPoint = "ggml_backend_reg_get_proc_address", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr RegGetProcAddress(IntPtr reg, string name);

    /// <summary>
    /// The feature list a backend reports through its "ggml_backend_get_features" function: name/value pairs of
    /// C strings, ended by a null name. For the CPU backend these are the instruction sets it was compiled for.
    /// </summary>
    public static IReadOnlyList<string> Features(IntPtr reg)
    {
        var function = RegGetProcAddress(reg, "ggml_backend_get_features");
        if (function == IntPtr.Zero)
        {
            return [];
        }
        var pairs = ((delegate* unmanaged<IntPtr, IntPtr*>)function)(reg);
        var features = new List<string>();
        for (var pair = pairs; pair is not null && pair[0] != IntPtr.Zero; pair += 2)
        {
            var name = Marshal.PtrToStringUTF8(pair[0]) ?? "";
            var value = pair[1] == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(pair[1]);
            features.Add(value is null or "1" ? name : $"{name}={value}");
        }
        return features;
    }
}
