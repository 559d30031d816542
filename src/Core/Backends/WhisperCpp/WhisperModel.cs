
namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// One whisper.cpp model file loaded once (weights only, no decoding state). Any number of
/// <see cref="WhisperStatePool"/> slots run on it concurrently, each with its own whisper_state.
/// </summary>
public sealed unsafe class WhisperModel : IDisposable
{
    private readonly WhisperContextHandle _context;

    private WhisperModel(string path, WhisperContextHandle context, ModelFileInfo file)
    {
        Path = path;
        _context = context;
        File = file;
        IsMultilingual = WhisperNative.IsMultilingual(context) != 0;
        ModelType = WhisperNative.Utf8(WhisperNative.ModelTypeReadable(context));
        HyperParameters = new GgmlHyperParameters(
            WhisperNative.ModelNVocab(context), WhisperNative.ModelNAudioCtx(context), WhisperNative.ModelNAudioState(context),
            WhisperNative.ModelNAudioHead(context), WhisperNative.ModelNAudioLayer(context), WhisperNative.ModelNTextCtx(context),
            WhisperNative.ModelNTextState(context), WhisperNative.ModelNTextHead(context), WhisperNative.ModelNTextLayer(context),
            WhisperNative.ModelNMels(context), WhisperNative.ModelFtype(context));
        EndOfText = WhisperNative.TokenEot(context);
    }

    public string Path { get; }

    /// <summary>What the file header says (including whether this is a generated test model).</summary>
    public ModelFileInfo File { get; }

    public bool IsMultilingual { get; }

    /// <summary>whisper.cpp's readable size name ("tiny", "base", ...; "unknown" for odd dimensions).</summary>
    public string ModelType { get; }

    /// <summary>The hyper-parameters as the loaded model reports them.</summary>
    public GgmlHyperParameters HyperParameters { get; }

    /// <summary>The end-of-text token id; every id at or above it is a special token.</summary>
    internal int EndOfText { get; }

    internal WhisperContextHandle Context => _context;

    /// <summary>
    /// Loads <paramref name="path"/> on the CPU. Throws <see cref="FileNotFoundException"/> when it is
    /// missing and <see cref="InvalidDataException"/> when whisper.cpp rejects it.
    /// </summary>
    public static WhisperModel Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"Whisper model file '{path}' does not exist.", path);
        }
        // Header first: a clear message for a wrong file instead of whisper.cpp's log line.
        var file = ModelFileInfo.Inspect(path);
        ModelFileInfo.ValidateLayout(path);
        WhisperNativeLibrary.EnsureLoaded();

        var defaults = WhisperNative.ContextDefaultParamsByRef();
        var contextParams = *defaults;
        WhisperNative.FreeContextParams(defaults);
        contextParams.UseGpu = 0;
        contextParams.FlashAttn = 0;
        contextParams.DtwTokenTimestamps = 0;

        IntPtr context;
        using (var pathUtf8 = new NativeUtf8(path))
        {
            context = WhisperNative.InitFromFileWithParamsNoState(pathUtf8.Pointer, contextParams);
        }
        if (context == IntPtr.Zero)
        {
            throw new InvalidDataException($"whisper.cpp could not load the model '{path}' (see the whisper.cpp log for the reason).");
        }
        return new WhisperModel(System.IO.Path.GetFullPath(path), new WhisperContextHandle(context), file);
    }

    /// <summary>A fresh decoding state on this model (KV caches and compute buffers: tens of MB).</summary>
    internal WhisperStateHandle CreateState()
    {
        var state = WhisperNative.InitState(_context);
        if (state == IntPtr.Zero)
        {
            throw new InvalidOperationException("whisper_init_state failed (out of memory?).");
        }
        return new WhisperStateHandle(state);
    }

    /// <summary>How many tokens whisper's tokenizer makes of <paramref name="text"/> (what its prompt budget counts).</summary>
    internal int CountTokens(string text)
    {
        using var utf8 = new NativeUtf8(text);
        var n = WhisperNative.Tokenize(_context, utf8.Pointer, null, 0);
        return n < 0 ? -n : n;
    }

    /// <summary>Text of a token id as the vocabulary holds it.</summary>
    internal string TokenText(int token) => WhisperNative.Utf8(WhisperNative.TokenToStr(_context, token));

    public void Dispose() => _context.Dispose();
}
