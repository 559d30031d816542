using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Settings of the local whisper.cpp engine, bound from the "Whisper" configuration section.</summary>
public sealed class WhisperOptions
{
    public const string SectionName = "Whisper";

    /// <summary>Environment variable used as <see cref="ModelPath"/> when the configuration leaves it unset.</summary>
    public const string ModelPathVariable = "WHISPER_MODEL";

    public const string DefaultVadModelFile = "ggml-silero-v6.2.0.bin";

    /// <summary>The ggml model file. Unset or missing: the engine reports "not loaded" and answers 503.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Folder holding libwhisper and libggml*; default <c>native/</c> beside the app.</summary>
    public string? NativeDirectory { get; set; }

    /// <summary>
    /// The ggml CPU variant to compute with (a <c>libggml-cpu-NAME.so</c> in the native folder, e.g. <c>haswell</c>,
    /// <c>zen4</c>). Unset: the best one this CPU supports, as ggml scores them. For comparing variants or working
    /// around one; a variant this CPU cannot run fails the model load.
    /// </summary>
    public string? CpuVariant { get; set; }

    /// <summary>Silero VAD model in ggml form; default <c>models/ggml-silero-v6.2.0.bin</c> beside the app.</summary>
    public string? VadModelPath { get; set; }

    /// <summary>Concurrent whisper runs. Default: cores / threads per slot, so two or more wherever there are two cores.</summary>
    public int? Slots { get; set; }

    /// <summary>Threads each run uses. Default: half the cores, 1 to 4 (whisper scales poorly beyond 4).</summary>
    public int? ThreadsPerSlot { get; set; }

    /// <summary>Requests that may wait for a slot before the engine answers 429. Default: 4 per slot.</summary>
    public int? QueueCapacity { get; set; }

    /// <summary>Longest a single run may compute (queue time excluded); the native work is aborted after it.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>With no explicit choice, VAD runs on audio longer than this many seconds.</summary>
    public double VadMinDurationSeconds { get; set; } = 30;

    /// <summary>Speech probability threshold of the VAD (Silero's default 0.5).</summary>
    public float VadThreshold { get; set; } = 0.5f;

    /// <summary>Silence shorter than this does not split speech (ms).</summary>
    public int VadMinSilenceMs { get; set; } = 100;

    /// <summary>Padding kept around each speech region (ms).</summary>
    public int VadSpeechPadMs { get; set; } = 30;

    /// <summary>
    /// Candidates decoded at each fallback temperature. 1 keeps a fallback as cheap as the first pass;
    /// OpenAI's reference uses 5, which costs about 2.5x more whenever a window falls back.
    /// </summary>
    public int BestOf { get; set; } = 1;

    /// <summary>Start loading the model in the background when the host starts (else on first use).</summary>
    public bool LoadOnStart { get; set; } = true;

    /// <summary>Slots after defaults: explicit value, else derived from the processor count.</summary>
    public int EffectiveSlots(int processorCount) =>
        Slots ?? Math.Max(1, processorCount / (ThreadsPerSlot ?? DefaultThreadsPerSlot(processorCount)));

    /// <summary>
    /// Half the cores, so a machine with two or more runs at least two requests side by side. Measured on
    /// 2 cores (bench/load.sh, 4 clients): two single-threaded slots beat one slot with both cores on
    /// throughput and p99, because a run pays for every multi-threaded step with a barrier that ggml's
    /// workers spin on (per decoded token, many times), and a second request no longer waits for the first.
    /// Capped at 4: whisper gains little from more threads per run.
    /// </summary>
    private static int DefaultThreadsPerSlot(int processorCount) => Math.Clamp(processorCount / 2, 1, 4);

    /// <summary>Threads per slot after defaults.</summary>
    public int EffectiveThreadsPerSlot(int processorCount) =>
        ThreadsPerSlot ?? Math.Clamp(processorCount / EffectiveSlots(processorCount), 1, 4);

    public int EffectiveQueueCapacity(int processorCount) => QueueCapacity ?? 4 * EffectiveSlots(processorCount);

    public string EffectiveVadModelPath =>
        string.IsNullOrWhiteSpace(VadModelPath) ? Path.Combine(AppContext.BaseDirectory, "models", DefaultVadModelFile) : VadModelPath;
}
