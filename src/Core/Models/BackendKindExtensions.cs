using System.Collections.Frozen;

namespace SpeechToText.Core.Models;

public static class BackendKindExtensions
{
    /// <summary>The name clients see in /v1/models and telemetry sees in its "backend" tag.</summary>
    public static string WireName(this BackendKind kind) => kind == BackendKind.Local ? "whisper.cpp" : "azure-openai";
}
