using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.WhisperCpp;

/// <summary>
/// The managed structs must match whisper.h byte for byte: whisper_full_params crosses by value, so a
/// single misplaced field shifts every callback pointer after it. A C probe compiled against the same
/// header reports sizeof/offsetof, and every field is compared.
/// </summary>
[Collection(WhisperNativeCollection.Name)]
public sealed class WhisperNativeLayoutTests
{
    private static readonly (string C, string Managed)[] FullParamsFields =
    [
        ("strategy", "Strategy"), ("n_threads", "NThreads"), ("n_max_text_ctx", "NMaxTextCtx"), ("offset_ms", "OffsetMs"),
        ("duration_ms", "DurationMs"), ("translate", "Translate"), ("no_context", "NoContext"), ("no_timestamps", "NoTimestamps"),
        ("single_segment", "SingleSegment"), ("print_special", "PrintSpecial"), ("print_progress", "PrintProgress"),
        ("print_realtime", "PrintRealtime"), ("print_timestamps", "PrintTimestamps"), ("token_timestamps", "TokenTimestamps"),
        ("thold_pt", "TholdPt"), ("thold_ptsum", "TholdPtSum"), ("max_len", "MaxLen"), ("split_on_word", "SplitOnWord"),
        ("max_tokens", "MaxTokens"), ("debug_mode", "DebugMode"), ("audio_ctx", "AudioCtx"), ("tdrz_enable", "TdrzEnable"),
        ("suppress_regex", "SuppressRegex"), ("initial_prompt", "InitialPrompt"), ("carry_initial_prompt", "CarryInitialPrompt"),
        ("prompt_tokens", "PromptTokens"), ("prompt_n_tokens", "PromptNTokens"), ("language", "Language"),
        ("detect_language", "DetectLanguage"), ("suppress_blank", "SuppressBlank"), ("suppress_nst", "SuppressNst"),
        ("temperature", "Temperature"), ("max_initial_ts", "MaxInitialTs"), ("length_penalty", "LengthPenalty"),
        ("temperature_inc", "TemperatureInc"), ("entropy_thold", "EntropyThold"), ("logprob_thold", "LogprobThold"),
        ("no_speech_thold", "NoSpeechThold"), ("greedy.best_of", "GreedyBestOf"), ("beam_search.beam_size", "BeamSearchBeamSize"),
        ("beam_search.patience", "BeamSearchPatience"), ("new_segment_callback", "NewSegmentCallback"),
        ("new_segment_callback_user_data", "NewSegmentCallbackUserData"), ("progress_callback", "ProgressCallback"),
        ("progress_callback_user_data", "ProgressCallbackUserData"), ("encoder_begin_callback", "EncoderBeginCallback"),
        ("encoder_begin_callback_user_data", "EncoderBeginCallbackUserData"), ("abort_callback", "AbortCallback"),
        ("abort_callback_user_data", "AbortCallbackUserData"), ("logits_filter_callback", "LogitsFilterCallback"),
        ("logits_filter_callback_user_data", "LogitsFilterCallbackUserData"), ("grammar_rules", "GrammarRules"),
        ("n_grammar_rules", "NGrammarRules"), ("i_start_rule", "IStartRule"), ("grammar_penalty", "GrammarPenalty"),
        ("vad", "Vad"), ("vad_model_path", "VadModelPath"), ("vad_params", "VadParams"),
    ];

    private static readonly (string C, string Managed)[] TokenDataFields =
    [
        ("id", "Id"), ("tid", "Tid"), ("p", "P"), ("plog", "PLog"), ("pt", "Pt"), ("ptsum", "PtSum"),
        ("t0", "T0"), ("t1", "T1"), ("t_dtw", "TDtw"), ("vlen", "VLen"),
    ];

    private static readonly (string C, string Managed)[] ContextParamsFields =
    [
        ("use_gpu", "UseGpu"), ("flash_attn", "FlashAttn"), ("gpu_device", "GpuDevice"), ("dtw_token_timestamps", "DtwTokenTimestamps"),
        ("dtw_aheads_preset", "DtwAheadsPreset"), ("dtw_n_top", "DtwNTop"), ("dtw_aheads", "DtwAheads"), ("dtw_mem_size", "DtwMemSize"),
    ];

    private static readonly (string C, string Managed)[] VadParamsFields =
    [
        ("threshold", "Threshold"), ("min_speech_duration_ms", "MinSpeechDurationMs"), ("min_silence_duration_ms", "MinSilenceDurationMs"),
        ("max_speech_duration_s", "MaxSpeechDurationS"), ("speech_pad_ms", "SpeechPadMs"), ("samples_overlap", "SamplesOverlap"),
    ];

    private static readonly (string C, string Managed)[] VadContextParamsFields =
    [
        ("n_threads", "NThreads"), ("use_gpu", "UseGpu"), ("gpu_device", "GpuDevice"),
    ];

    [Fact]
    public void Structs_match_the_native_sizes_and_offsets_field_by_field()
    {
        var native = RunProbe();
        AssertLayout<WhisperFullParams>(native, "whisper_full_params", FullParamsFields);
        AssertLayout<WhisperTokenData>(native, "whisper_token_data", TokenDataFields);
        AssertLayout<WhisperContextParams>(native, "whisper_context_params", ContextParamsFields);
        AssertLayout<WhisperVadParams>(native, "whisper_vad_params", VadParamsFields);
        AssertLayout<WhisperVadContextParams>(native, "whisper_vad_context_params", VadContextParamsFields);
    }

    [Fact]
    public unsafe void Default_params_read_by_value_have_whispers_documented_defaults()
    {
        WhisperNativeLibrary.EnsureLoaded();
        var pointer = WhisperNative.FullDefaultParamsByRef(WhisperSamplingStrategy.Greedy);
        var p = *pointer;
        WhisperNative.FreeParams(pointer);

        // Values from whisper_full_default_params in 1.9.1: wrong offsets would read other fields.
        Assert.Equal(WhisperSamplingStrategy.Greedy, p.Strategy);
        Assert.Equal(16384, p.NMaxTextCtx);
        Assert.Equal(1, p.NoContext);
        Assert.Equal(1, p.PrintProgress);
        Assert.Equal(0.01f, p.TholdPt);
        Assert.Equal("en", WhisperNative.Utf8(p.Language));
        Assert.Equal(0.2f, p.TemperatureInc);
        Assert.Equal(2.4f, p.EntropyThold);
        Assert.Equal(-1.0f, p.LogprobThold);
        Assert.Equal(0.6f, p.NoSpeechThold);
        Assert.Equal(5, p.GreedyBestOf);
        Assert.Equal(100.0f, p.GrammarPenalty);
        Assert.Equal(0, p.Vad);
        Assert.Equal(0.5f, p.VadParams.Threshold);
        Assert.Equal(250, p.VadParams.MinSpeechDurationMs);
        Assert.Equal(30, p.VadParams.SpeechPadMs);
    }

    private static void AssertLayout<T>(JsonElement native, string cName, (string C, string Managed)[] fields) where T : unmanaged
    {
        var expected = native.GetProperty(cName);
        Assert.Equal(expected.GetProperty("sizeof").GetInt32(), Marshal.SizeOf<T>());
        Assert.Equal(expected.GetProperty("sizeof").GetInt32(), System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        var offsets = expected.GetProperty("offsets");
        Assert.Equal(offsets.EnumerateObject().Count(), fields.Length);
        foreach (var (c, managed) in fields)
        {
            var nativeOffset = offsets.GetProperty(c).GetInt32();
            var managedOffset = (int)Marshal.OffsetOf<T>(managed);
            Assert.True(nativeOffset == managedOffset, $"{cName}.{c}: native offset {nativeOffset}, managed {managed} at {managedOffset}");
        }
    }

    private static JsonElement RunProbe()
    {
        var include = FindNativeInclude();
        var work = Directory.CreateTempSubdirectory("whisper-probe-");
        try
        {
            var source = Path.Combine(work.FullName, "probe.c");
            File.WriteAllText(source, ProbeSource());
            var binary = Path.Combine(work.FullName, "probe");
            var (compileCode, compileOutput) = Run("gcc", $"-std=c11 -I \"{include}\" -o \"{binary}\" \"{source}\"");
            Assert.True(compileCode == 0, "gcc failed: " + compileOutput);
            var (code, output) = Run(binary, "");
            Assert.Equal(0, code);
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string ProbeSource()
    {
        var body = new System.Text.StringBuilder();
        void Struct(string type, (string C, string Managed)[] fields, bool last)
        {
            body.Append($"    printf(\"\\\"{type}\\\":{{\\\"sizeof\\\":%zu,\\\"offsets\\\":{{\", sizeof(struct {type}));\n");
            for (var i = 0; i < fields.Length; i++)
            {
                var comma = i < fields.Length - 1 ? "," : "";
                body.Append($"    printf(\"\\\"{fields[i].C}\\\":%zu{comma}\", offsetof(struct {type}, {fields[i].C}));\n");
            }
            body.Append($"    printf(\"}}}}{(last ? "" : ",")}\");\n");
        }
        Struct("whisper_full_params", FullParamsFields, false);
        Struct("whisper_token_data", TokenDataFields, false);
        Struct("whisper_context_params", ContextParamsFields, false);
        Struct("whisper_vad_params", VadParamsFields, false);
        Struct("whisper_vad_context_params", VadContextParamsFields, true);
        return $$"""
            #include <stddef.h>
            #include <stdio.h>
            #include "whisper.h"
            int main(void) {
                printf("{");
            {{body}}
                printf("}\n");
                return 0;
            }
            """;
    }

    /// <summary>The repository's .native/include (whisper.h and the ggml headers), found upwards from the test binaries.</summary>
    private static string FindNativeInclude()
    {
        var overridden = Environment.GetEnvironmentVariable("WHISPER_INCLUDE_DIR");
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".native", "include");
            if (File.Exists(Path.Combine(candidate, "whisper.h")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("No .native/include/whisper.h above " + AppContext.BaseDirectory + " (run scripts/build-whisper.sh).");
    }

    private static (int Code, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"{file} did not finish");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
