using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WhisperFullParams
{
    public WhisperSamplingStrategy Strategy;
    public int NThreads;
    public int NMaxTextCtx;
    public int OffsetMs;
    public int DurationMs;

    public byte Translate;
    public byte NoContext;
    public byte NoTimestamps;
    public byte SingleSegment;
    public byte PrintSpecial;
    public byte PrintProgress;
    public byte PrintRealtime;
    public byte PrintTimestamps;

    public byte TokenTimestamps;
    public float TholdPt;
    public float TholdPtSum;
    public int MaxLen;
    public byte SplitOnWord;
    public int MaxTokens;

    public byte DebugMode;
    public int AudioCtx;

    public byte TdrzEnable;

    public byte* SuppressRegex;

    public byte* InitialPrompt;
    public byte CarryInitialPrompt;
    public int* PromptTokens;
    public int PromptNTokens;

    public byte* Language;
    public byte DetectLanguage;

    public byte SuppressBlank;
    public byte SuppressNst;

    public float Temperature;
    public float MaxInitialTs;
    public float LengthPenalty;

    public float TemperatureInc;
    public float EntropyThold;
    public float LogprobThold;
    public float NoSpeechThold;

    public int GreedyBestOf;

    public int BeamSearchBeamSize;
    public float BeamSearchPatience;

    public delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, void> NewSegmentCallback;
    public IntPtr NewSegmentCallbackUserData;

    public delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, void> ProgressCallback;
    public IntPtr ProgressCallbackUserData;

    public delegate* unmanaged<IntPtr, IntPtr, IntPtr, byte> EncoderBeginCallback;
    public IntPtr EncoderBeginCallbackUserData;

    public delegate* unmanaged<IntPtr, byte> AbortCallback;
    public IntPtr AbortCallbackUserData;

    public delegate* unmanaged<IntPtr, IntPtr, WhisperTokenData*, int, float*, IntPtr, void> LogitsFilterCallback;
    public IntPtr LogitsFilterCallbackUserData;

    public IntPtr GrammarRules;
    public nuint NGrammarRules;
    public nuint IStartRule;
    public float GrammarPenalty;

    public byte Vad;
    public byte* VadModelPath;

    public WhisperVadParams VadParams;
}
