using System.Diagnostics;
using SpeechToText.Tests.Audio;

namespace SpeechToText.Tests.Fixtures;

/// <summary>Long test recordings made of the espeak-ng sentence and silence, encoded compactly (sox + Debian's ffmpeg).</summary>
public static class JobAudio
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), $"stt-job-audio-{Environment.ProcessId}");

    /// <summary>About two minutes: the sentence then 11 s of silence, nine times, as MP3.</summary>
    public static readonly Lazy<string> TwoMinutes = new(() => Make("two-minutes.mp3", pad: 11, repeats: 8));

    /// <summary>About 21 minutes: the sentence then a minute of silence, twenty times, as FLAC (more than one Azure whisper chunk).</summary>
    public static readonly Lazy<string> TwentyMinutes = new(() => Make("twenty-minutes.flac", pad: 60, repeats: 19));

    /// <summary>About two hours: the sentence then 10 minutes of silence, twelve times, as FLAC (a few MB).</summary>
    public static readonly Lazy<string> TwoHours = new(() => Make("two-hours.flac", pad: 600, repeats: 11));

    private static string Make(string name, int pad, int repeats)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        if (File.Exists(path))
        {
            return path;
        }
        var wav = Path.Combine(Folder, name + ".wav");
        Run("sox", AudioSamples.Shared.Wav16kMonoS16, wav, "pad", "0", $"{pad}", "repeat", $"{repeats}");
        Run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", wav, "-ar", "16000", "-ac", "1", path);
        File.Delete(wav);
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {err}");
        }
    }
}
