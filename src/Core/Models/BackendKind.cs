using System.Collections.Frozen;

namespace SpeechToText.Core.Models;

/// <summary>Which engine serves a model.</summary>
public enum BackendKind
{
    /// <summary>The whisper.cpp model bundled with the app.</summary>
    Local,
    /// <summary>A customer's Azure OpenAI deployment.</summary>
    AzureOpenAI,
}
