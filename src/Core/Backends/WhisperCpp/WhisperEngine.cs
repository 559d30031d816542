using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// The local engine: one <see cref="WhisperModel"/>, a <see cref="WhisperStatePool"/> of decoding
/// slots, and whisper.cpp's built-in Silero VAD. Each run computes on its own thread (the native call
/// blocks for seconds to minutes and must not hold a thread-pool thread); segments are reported as
/// whisper produces them; cancellation and the per-request timeout abort the native work.
/// </summary>
public sealed class WhisperEngine : IWhisperEngine, IDisposable
{
    public const int SampleRate = 16_000;

    private readonly WhisperOptions _options;
    private readonly ILogger<WhisperEngine> _logger;
    private readonly Lock _loadGate = new();
    private readonly int _threadsPerSlot;
    private Task? _loading;
    private WhisperModel? _model;
    private WhisperStatePool? _pool;
    private string? _loadError;
    private bool _disposed;

    public WhisperEngine(IOptions<WhisperOptions> options, ILogger<WhisperEngine> logger)
    {
        _options = options.Value;
        _logger = logger;
        var cores = Environment.ProcessorCount;
        SlotsTotal = _options.EffectiveSlots(cores);
        _threadsPerSlot = _options.EffectiveThreadsPerSlot(cores);
        QueueCapacity = _options.EffectiveQueueCapacity(cores);
    }

    public int SlotsTotal { get; }

    public int QueueCapacity { get; }

    /// <summary>The loaded model, or null while loading or after a failed load.</summary>
    public WhisperModel? Model => Volatile.Read(ref _model);

    public WhisperEngineStatus Status
    {
        get
        {
            var model = Model;
            var pool = Volatile.Read(ref _pool);
            return new WhisperEngineStatus
            {
                ModelLoaded = model is not null,
                ModelPath = model?.Path ?? _options.ModelPath,
                IsSyntheticModel = model?.File.IsSynthetic ?? false,
                IsMultilingual = model?.IsMultilingual ?? false,
                ModelType = model?.ModelType,
                LoadError = Volatile.Read(ref _loadError),
                SlotsTotal = SlotsTotal,
                SlotsBusy = pool?.SlotsBusy ?? 0,
                QueueLength = pool?.QueueLength ?? 0,
                QueueCapacity = QueueCapacity,
                ThreadsPerSlot = _threadsPerSlot,
                VadAvailable = File.Exists(_options.EffectiveVadModelPath),
                CpuBackend = WhisperNativeLibrary.CpuBackend,
            };
        }
    }

    /// <summary>
    /// Starts loading the model (once; later calls return the same task) and completes when loading
    /// has finished, successfully or not. Never throws: a failure is kept in <see cref="Status"/>.
    /// </summary>
    public Task EnsureLoadedAsync()
    {
        lock (_loadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _loading ??= Task.Run(Load);
        }
    }

    private void Load()
    {
        var path = _options.ModelPath;
        try
        {
            WhisperNativeLibrary.Configure(_options.NativeDirectory, _options.CpuVariant);
            WhisperNativeLibrary.RouteLogTo(_logger);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new FileNotFoundException(
                    $"No whisper model is configured: set Whisper:ModelPath or the {WhisperOptions.ModelPathVariable} environment variable.");
            }
            var started = Stopwatch.GetTimestamp();
            var model = TakePreloaded(_options, path) ?? LoadModel(_options, path);
            var loadMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogCpuBackend();
            var pool = new WhisperStatePool(SlotsTotal, QueueCapacity, model.CreateState);
            started = Stopwatch.GetTimestamp();
            try
            {
                pool.CreateStates();
            }
            catch (InvalidOperationException e)
            {
                // A slot without a state makes one when it is first leased; the load itself has not failed.
                _logger.LogWarning(e, "Not every slot's whisper state could be made at start; they are retried on first use");
            }
            StartupTimeline.Mark("states-ready");
            lock (_loadGate)
            {
                if (_disposed)
                {
                    pool.Dispose();
                    model.Dispose();
                    return;
                }
                _pool = pool;
                _model = model;
            }
            _logger.LogInformation(
                "Loaded whisper model {Path} ({Type}, multilingual {Multilingual}, synthetic {Synthetic}) in {Ms} ms; {Slots} slot(s) x {Threads} thread(s), queue {Queue}; states made in {StatesMs} ms",
                model.Path, model.ModelType, model.IsMultilingual, model.File.IsSynthetic,
                loadMs, SlotsTotal, _threadsPerSlot, QueueCapacity, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (model.File.IsSynthetic)
            {
                _logger.LogWarning("LOCAL MODEL IS A GENERATED TEST MODEL ({Path}): random weights, its transcripts are meaningless. Set Whisper__ModelPath (or WHISPER_MODEL) to a real ggml model for real text.", model.Path);
            }
        }
        catch (Exception e)
        {
            Volatile.Write(ref _loadError, e.Message);
            _logger.LogError(e, "The whisper model {Path} could not be loaded; local transcription answers 503", path);
        }
    }

    /// <summary>The native library (with its CPU backend) and the model file, marking both start-up phases.</summary>
    private static WhisperModel LoadModel(WhisperOptions options, string path)
    {
        WhisperNativeLibrary.Configure(options.NativeDirectory, options.CpuVariant);
        NativeHeap.FixMmapThreshold();
        WhisperNativeLibrary.EnsureLoaded();
        StartupTimeline.Mark("native-loaded");
        var model = WhisperModel.Load(path);
        StartupTimeline.Mark("model-loaded");
        return model;
    }

    private static Preloaded? _preloaded;

    private sealed record Preloaded(string Path, string? NativeDirectory, string? CpuVariant, Task<WhisperModel> Model);

    /// <summary>Starts <see cref="LoadModel"/> on a background thread (WhisperServiceCollectionExtensions.PreloadWhisperModel).</summary>
    internal static void Preload(WhisperOptions options)
    {
        var path = options.ModelPath!;
        var load = Task.Run(() => LoadModel(options, path));
        if (Interlocked.CompareExchange(ref _preloaded, new Preloaded(Path.GetFullPath(path), options.NativeDirectory, options.CpuVariant, load), null) is not null)
        {
            // One preload per process: a second one is not kept, so its model must not leak.
            DisposeWhenLoaded(load);
        }
    }

    private static void DisposeWhenLoaded(Task<WhisperModel> load) =>
        load.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>The preloaded model when it is this engine's (same file, folder, variant), once: the engine owns it from then on.</summary>
    private static WhisperModel? TakePreloaded(WhisperOptions options, string path)
    {
        var preloaded = Volatile.Read(ref _preloaded);
        if (preloaded is null || Interlocked.CompareExchange(ref _preloaded, null, preloaded) != preloaded)
        {
            return null;
        }
        if (preloaded.Path != Path.GetFullPath(path) || preloaded.NativeDirectory != options.NativeDirectory || preloaded.CpuVariant != options.CpuVariant)
        {
            // Configured differently by the time the host was built: not this engine's model, and nobody else's.
            DisposeWhenLoaded(preloaded.Model);
            return null;
        }
        try
        {
            return preloaded.Model.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Loaded again below, so the error is reported the way every load failure is.
            return null;
        }
    }

    private void LogCpuBackend()
    {
        if (WhisperNativeLibrary.CpuBackend is not { } cpu)
        {
            return;
        }
        _logger.LogInformation("whisper.cpp CPU backend: {Variant} ({Library}); features {Features}; variants this CPU runs: {Available}",
            cpu.Variant, cpu.Library ?? "linked into libggml", string.Join(" ", cpu.Features),
            cpu.Available.Count == 0 ? "-" : string.Join(" ", cpu.Available));
    }

    public async Task<TranscriptionResult> TranscribeAsync(float[] samples, WhisperDecodeOptions options,
        Action<TranscriptSegment>? onSegment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        await EnsureLoadedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var model = Model;
        var pool = Volatile.Read(ref _pool);
        if (model is null || pool is null)
        {
            // The load error names files on this machine: it is for the operator (log, /health), not for callers.
            throw ApiException.Unavailable("The local whisper model is not loaded; the server's log and /health say why.", "model_not_loaded");
        }

        var language = ResolveLanguage(model, options.Language);
        var candidates = options.Languages.Select(l => ResolveLanguage(model, l, "languages")).OfType<string>().Distinct().ToArray();
        if (candidates.Length == 1)
        {
            language = candidates[0];
        }
        var duration = samples.Length / (double)SampleRate;
        var useVad = options.UseVad ?? duration > _options.VadMinDurationSeconds;
        if (useVad && !File.Exists(_options.EffectiveVadModelPath))
        {
            if (options.UseVad == true)
            {
                throw ApiException.Unavailable("Voice activity detection was requested but its model is not installed.", "vad_not_available");
            }
            _logger.LogWarning("VAD model {Path} is missing; transcribing {Seconds:0.#} s without VAD",
                _options.EffectiveVadModelPath, duration);
            useVad = false;
        }

        WhisperStateLease lease;
        using (var queued = SttTelemetry.Start("stt.engine.queue", SttTelemetry.QueueWait))
        {
            lease = await queued.RunAsync(() => pool.AcquireAsync(cancellationToken).AsTask()).ConfigureAwait(false);
        }
        var job = new WhisperRun(model, lease, samples, options, language, candidates.Length > 1 ? candidates : [], useVad, onSegment,
            cancellationToken, _options, _threadsPerSlot, _logger);
        var completion = new TaskCompletionSource<TranscriptionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            TranscriptionResult? result = null;
            Exception? failure = null;
            try
            {
                result = job.Execute();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                if (job.SampledRandomly)
                {
                    // A fresh state restarts whisper's sampling generator at its seed, so the same request
                    // always gives the same transcript, as whisper-cli does. Made here, on the thread that
                    // freed the old one: glibc then reuses that memory instead of growing another arena.
                    lease.Slot.RenewState();
                }
                job.Dispose();
                lease.Dispose();
            }
            // The slot is free before the caller sees the outcome.
            if (failure is null)
            {
                completion.SetResult(result!);
            }
            else
            {
                completion.SetException(failure);
            }
        }, maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = $"whisper-slot-{lease.SlotIndex}",
        };
        try
        {
            thread.Start();
        }
        catch
        {
            job.Dispose();
            lease.Dispose();
            throw;
        }
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>The code whisper is given for <paramref name="requested"/> (null = detect); 400 naming <paramref name="param"/> when
    /// whisper does not know it or the model is English-only and it is not English.</summary>
    private static unsafe string? ResolveLanguage(WhisperModel model, string? requested, string param = "language")
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return model.IsMultilingual ? null : "en";
        }
        var code = requested.Trim().ToLowerInvariant();
        int id;
        using (var utf8 = new NativeUtf8(code))
        {
            id = WhisperNative.LangId(utf8.Pointer);
        }
        if (id < 0)
        {
            throw ApiException.BadRequest($"Language '{requested}' is not supported. Use an ISO-639-1 code such as 'en' or 'de'.", param);
        }
        // whisper_lang_id also accepts full names ("german"); answer with the code.
        var canonical = WhisperNative.Utf8(WhisperNative.LangStr(id));
        if (!model.IsMultilingual && canonical != "en")
        {
            throw ApiException.BadRequest(
                $"The local model '{model.ModelType}.en' is English-only; language '{requested}' cannot be transcribed with it.", param);
        }
        return canonical;
    }

    public void Dispose()
    {
        WhisperStatePool? pool;
        WhisperModel? model;
        lock (_loadGate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            pool = _pool;
            model = _model;
            _pool = null;
            _model = null;
        }
        pool?.Dispose();
        // Runs still in flight hold their own reference to the model's SafeHandle, so whisper_free
        // waits until the last of them has returned.
        model?.Dispose();
    }
}
