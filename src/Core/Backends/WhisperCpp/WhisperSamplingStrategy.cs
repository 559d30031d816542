using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

// Layouts below follow include/whisper.h of whisper.cpp 1.9.1 field by field. C `bool` is one byte,
// so it is a `byte` here (0/1); `const char*` and callbacks are raw pointers. Everything is blittable,
// which lets the structs cross by value exactly as the C ABI passes them. A test compiles a C probe
// against the same header and compares sizeof/offsetof with what the runtime lays out.

/// <summary>whisper_sampling_strategy.</summary>
internal enum WhisperSamplingStrategy
{
    Greedy = 0,
    BeamSearch = 1,
}
