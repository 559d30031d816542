
namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Live state of the local engine, for /health and /v1/models.</summary>
public sealed record WhisperEngineStatus
{
    public required bool ModelLoaded { get; init; }
    public string? ModelPath { get; init; }
    /// <summary>True when the loaded file is a generated test model whose text is meaningless.</summary>
    public bool IsSyntheticModel { get; init; }
    public bool IsMultilingual { get; init; }
    public string? ModelType { get; init; }
    public string? LoadError { get; init; }
    public int SlotsTotal { get; init; }
    public int SlotsBusy { get; init; }
    public int QueueLength { get; init; }
    public int QueueCapacity { get; init; }
    public int ThreadsPerSlot { get; init; }
    public bool VadAvailable { get; init; }
    /// <summary>The ggml CPU variant computing here, once the native library is loaded.</summary>
    public WhisperCpuBackend? CpuBackend { get; init; }

    /// <summary>How /v1/models describes the local engine.</summary>
    public string Description => IsSyntheticModel
        ? "Bundled whisper.cpp engine running a GENERATED TEST MODEL (random weights; text is meaningless)"
        : $"Bundled whisper.cpp engine ({ModelType ?? Path.GetFileName(ModelPath) ?? "no model"})";
}
