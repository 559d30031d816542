using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SpeechToText.Bench;

/// <summary>
/// One whisper-cli run: wall time (process start to exit, model load included), the times whisper.cpp
/// itself prints, the transcript it wrote, and the peak RSS polled from /proc while it ran.
/// </summary>
internal sealed record CliSample(double WallMs, double TotalMs, double LoadMs, double InferenceMs, string Text, long PeakRssKiB)
{
    /// <summary>Its printed total minus model loading: the warm-model figure to compare a warm server with.</summary>
    public double WarmMs => TotalMs - LoadMs;
}

/// <summary>
/// Runs whisper-cli with the decoding parameters of the service's engine (WhisperEngine.Run):
/// greedy (-bs 1 picks greedy in cli.cpp), best_of 1, temperature 0 with 0.2 fallback steps, language
/// en, no flash attention and no GPU (WhisperModel.Load), token timestamps on (-ojf turns them on, as
/// the engine does), text context left at whisper's default n_max_text_ctx (the engine's no_context=true
/// only clears context between calls, like cli's default; -mc 0 would differ). With VAD, the engine's
/// Silero settings: threshold 0.5, min speech 250 ms, min silence 100 ms, pad 30 ms, regions cut at
/// 29.5 s, and no overlap between joined regions (the engine joins them with 0.1 s of silence, as cli does).
/// </summary>
internal sealed partial class WhisperCli(string nativeDir, string model, int threads, string workDir)
{
    private int _runs;

    public IReadOnlyList<string> Arguments(string audioPath, string outputPrefix, string? vadModel)
    {
        var args = new List<string>
        {
            "-m", model, "-f", audioPath, "-t", threads.ToString(CultureInfo.InvariantCulture),
            "-bs", "1", "-bo", "1", "-tp", "0", "-tpi", "0.2", "-l", "en", "-nfa", "-ng",
            "-ojf", "-of", outputPrefix,
        };
        if (vadModel is not null)
        {
            args.AddRange(["--vad", "-vm", vadModel, "-vt", "0.5", "-vspd", "250", "-vsd", "100", "-vmsd", "29.5", "-vp", "30", "-vo", "0"]);
        }
        return args;
    }

    public async Task<CliSample> RunAsync(string audioPath, string? vadModel)
    {
        var prefix = Path.Combine(workDir, $"cli-{Interlocked.Increment(ref _runs)}");
        var start = new ProcessStartInfo(Path.Combine(nativeDir, "whisper-cli"))
        {
            WorkingDirectory = nativeDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments(audioPath, prefix, vadModel))
        {
            start.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start whisper-cli");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        long peak = 0;
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            // VmHWM only grows, so the last reading before exit is the peak up to then.
            peak = Math.Max(peak, ProcStatus.PeakRssKiB(process.Id) ?? 0);
            await Task.WhenAny(exited, Task.Delay(20)).ConfigureAwait(false);
        }
        await exited.ConfigureAwait(false);
        var wall = watch.Elapsed.TotalMilliseconds;
        var log = output.ToString();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"whisper-cli exited with {process.ExitCode}:\n{log}");
        }

        var timings = Timings(log);
        var inference = new[] { "mel", "sample", "encode", "decode", "batchd", "prompt" }.Sum(k => timings.GetValueOrDefault(k));
        var text = ReadTranscript(prefix + ".json");
        File.Delete(prefix + ".json");
        return new CliSample(wall, timings.GetValueOrDefault("total", double.NaN), timings.GetValueOrDefault("load", double.NaN),
            inference, text, peak);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>"whisper_print_timings:   encode time =  3327.37 ms / ..." lines, by name.</summary>
    internal static Dictionary<string, double> Timings(string log)
    {
        var result = new Dictionary<string, double>();
        foreach (Match m in TimingLine().Matches(log))
        {
            result[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        return result;
    }

    private static string ReadTranscript(string jsonPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        var text = new StringBuilder();
        foreach (var segment in doc.RootElement.GetProperty("transcription").EnumerateArray())
        {
            text.Append(segment.GetProperty("text").GetString());
        }
        return text.ToString();
    }

    [GeneratedRegex(@"whisper_print_timings:\s+(\w+) time =\s+([0-9.]+) ms")]
    private static partial Regex TimingLine();
}
