using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>ggml_log_level.</summary>
internal enum GgmlLogLevel
{
    None = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Cont = 5,
}
