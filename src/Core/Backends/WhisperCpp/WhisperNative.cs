using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>The whisper.h functions this engine calls. "whisper" is resolved by <see cref="WhisperNativeLibrary"/>.</summary>
internal static unsafe partial class WhisperNative
{
    public const string Library = "whisper";

    [LibraryImport(Library, EntryPoint = "whisper_version")]
    public static partial byte* Version();

    [LibraryImport(Library, EntryPoint = "whisper_context_default_params_by_ref")]
    public static partial WhisperContextParams* ContextDefaultParamsByRef();

    [LibraryImport(Library, EntryPoint = "whisper_free_context_params")]
    public static partial void FreeContextParams(WhisperContextParams* p);

    [LibraryImport(Library, EntryPoint = "whisper_full_default_params_by_ref")]
    public static partial WhisperFullParams* FullDefaultParamsByRef(WhisperSamplingStrategy strategy);

    [LibraryImport(Library, EntryPoint = "whisper_free_params")]
    public static partial void FreeParams(WhisperFullParams* p);

    /// <summary>The model only: every run here has its own state (<see cref="InitState"/>), so the context's default state,
    /// which whisper_init_from_file_with_params would also make (its KV caches and compute buffers), is never made.</summary>
    [LibraryImport(Library, EntryPoint = "whisper_init_from_file_with_params_no_state")]
    public static partial IntPtr InitFromFileWithParamsNoState(byte* pathModel, WhisperContextParams p);

    [LibraryImport(Library, EntryPoint = "whisper_init_state")]
    public static partial IntPtr InitState(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_free")]
    public static partial void Free(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "whisper_free_state")]
    public static partial void FreeState(IntPtr state);

    [LibraryImport(Library, EntryPoint = "whisper_log_set")]
    public static partial void LogSet(delegate* unmanaged<GgmlLogLevel, byte*, IntPtr, void> callback, IntPtr userData);

    [LibraryImport(Library, EntryPoint = "whisper_lang_id")]
    public static partial int LangId(byte* lang);

    [LibraryImport(Library, EntryPoint = "whisper_lang_str")]
    public static partial byte* LangStr(int id);

    [LibraryImport(Library, EntryPoint = "whisper_lang_max_id")]
    public static partial int LangMaxId();

    [LibraryImport(Library, EntryPoint = "whisper_is_multilingual")]
    public static partial int IsMultilingual(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_type_readable")]
    public static partial byte* ModelTypeReadable(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_vocab")]
    public static partial int ModelNVocab(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_audio_ctx")]
    public static partial int ModelNAudioCtx(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_audio_state")]
    public static partial int ModelNAudioState(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_audio_head")]
    public static partial int ModelNAudioHead(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_audio_layer")]
    public static partial int ModelNAudioLayer(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_text_ctx")]
    public static partial int ModelNTextCtx(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_text_state")]
    public static partial int ModelNTextState(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_text_head")]
    public static partial int ModelNTextHead(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_text_layer")]
    public static partial int ModelNTextLayer(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_n_mels")]
    public static partial int ModelNMels(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_model_ftype")]
    public static partial int ModelFtype(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_token_eot")]
    public static partial int TokenEot(WhisperContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "whisper_token_to_str")]
    public static partial byte* TokenToStr(WhisperContextHandle ctx, int token);

    /// <summary>Tokenizes <paramref name="text"/>; with no room for tokens it returns minus their count.</summary>
    [LibraryImport(Library, EntryPoint = "whisper_tokenize")]
    public static partial int Tokenize(WhisperContextHandle ctx, byte* text, int* tokens, int nMaxTokens);

    [LibraryImport(Library, EntryPoint = "whisper_pcm_to_mel_with_state")]
    public static partial int PcmToMelWithState(WhisperContextHandle ctx, WhisperStateHandle state, float* samples, int nSamples, int nThreads);

    /// <summary>Runs the encoder on the state's mel and fills <paramref name="langProbs"/> (whisper_lang_max_id() + 1 floats).</summary>
    [LibraryImport(Library, EntryPoint = "whisper_lang_auto_detect_with_state")]
    public static partial int LangAutoDetectWithState(WhisperContextHandle ctx, WhisperStateHandle state, int offsetMs, int nThreads, float* langProbs);

    [LibraryImport(Library, EntryPoint = "whisper_full_with_state")]
    public static partial int FullWithState(WhisperContextHandle ctx, WhisperStateHandle state, WhisperFullParams p,
        float* samples, int nSamples);

    // The accessors below take raw state pointers: they are called from inside the new-segment
    // callback (which hands out the pointer) and from code that already holds the SafeHandle alive.
    [LibraryImport(Library, EntryPoint = "whisper_full_n_segments_from_state")]
    public static partial int FullNSegmentsFromState(IntPtr state);

    [LibraryImport(Library, EntryPoint = "whisper_full_lang_id_from_state")]
    public static partial int FullLangIdFromState(IntPtr state);

    [LibraryImport(Library, EntryPoint = "whisper_full_get_segment_t0_from_state")]
    public static partial long FullGetSegmentT0FromState(IntPtr state, int segment);

    [LibraryImport(Library, EntryPoint = "whisper_full_get_segment_t1_from_state")]
    public static partial long FullGetSegmentT1FromState(IntPtr state, int segment);

    [LibraryImport(Library, EntryPoint = "whisper_full_get_segment_text_from_state")]
    public static partial byte* FullGetSegmentTextFromState(IntPtr state, int segment);

    [LibraryImport(Library, EntryPoint = "whisper_full_n_tokens_from_state")]
    public static partial int FullNTokensFromState(IntPtr state, int segment);

    [LibraryImport(Library, EntryPoint = "whisper_full_get_token_data_from_state")]
    public static partial WhisperTokenData FullGetTokenDataFromState(IntPtr state, int segment, int token);

    [LibraryImport(Library, EntryPoint = "whisper_full_get_segment_no_speech_prob_from_state")]
    public static partial float FullGetSegmentNoSpeechProbFromState(IntPtr state, int segment);

    [LibraryImport(Library, EntryPoint = "whisper_vad_default_params")]
    public static partial WhisperVadParams VadDefaultParams();

    [LibraryImport(Library, EntryPoint = "whisper_vad_default_context_params")]
    public static partial WhisperVadContextParams VadDefaultContextParams();

    [LibraryImport(Library, EntryPoint = "whisper_vad_init_from_file_with_params")]
    public static partial IntPtr VadInitFromFileWithParams(byte* pathModel, WhisperVadContextParams p);

    [LibraryImport(Library, EntryPoint = "whisper_vad_free")]
    public static partial void VadFree(IntPtr vctx);

    [LibraryImport(Library, EntryPoint = "whisper_vad_segments_from_samples")]
    public static partial IntPtr VadSegmentsFromSamples(WhisperVadContextHandle vctx, WhisperVadParams p, float* samples, int nSamples);

    [LibraryImport(Library, EntryPoint = "whisper_vad_segments_n_segments")]
    public static partial int VadSegmentsNSegments(IntPtr segments);

    /// <summary>Start of a speech segment, in centiseconds.</summary>
    [LibraryImport(Library, EntryPoint = "whisper_vad_segments_get_segment_t0")]
    public static partial float VadSegmentsGetSegmentT0(IntPtr segments, int segment);

    /// <summary>End of a speech segment, in centiseconds.</summary>
    [LibraryImport(Library, EntryPoint = "whisper_vad_segments_get_segment_t1")]
    public static partial float VadSegmentsGetSegmentT1(IntPtr segments, int segment);

    [LibraryImport(Library, EntryPoint = "whisper_vad_free_segments")]
    public static partial void VadFreeSegments(IntPtr segments);

    /// <summary>A NUL-terminated UTF-8 string owned by native code, as a managed string ("" for null).</summary>
    public static string Utf8(byte* text) => text is null ? "" : Marshal.PtrToStringUTF8((IntPtr)text) ?? "";
}
