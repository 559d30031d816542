using System.Diagnostics;
using SpeechToText.Core.Audio;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// Sample audio in every container the service accepts, generated once per test run (espeak-ng
/// speech, sox tones, Debian's full ffmpeg as the encoder) into a temp folder deleted at exit.
/// Use <see cref="Shared"/>; the first caller pays the few seconds of generation.
/// </summary>
public sealed class AudioSamples
{
    /// <summary>The sentence spoken in every speech sample.</summary>
    public const string SpeechText = "Hello world, this is a test of the speech to text service.";

    private const string EncoderFfmpeg = "/usr/bin/ffmpeg";

    private static readonly Lazy<AudioSamples> Instance = new(() => new AudioSamples(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static AudioSamples Shared => Instance.Value;

    /// <summary>The minimal ffmpeg the build copies next to the test assembly: the one the service runs.</summary>
    public static string BundledFfmpeg => Path.Combine(AppContext.BaseDirectory, "native", "ffmpeg");

    private AudioSamples()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"stt-audio-samples-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDeleteFolder();

        SpeechSource = Path.Combine(Folder, "speech-source.wav");
        Run("espeak-ng", "-w", SpeechSource, SpeechText);

        Wav16kMonoS16 = Encode("wav16k-mono-s16.wav", "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le");
        Wav44kStereoS16 = Encode("wav44k-stereo-s16.wav", "-ar", "44100", "-ac", "2", "-c:a", "pcm_s16le");
        // ffmpeg writes PCM wider than 16 bits as WAVE_FORMAT_EXTENSIBLE.
        Wav48kS24 = Encode("wav48k-s24.wav", "-ar", "48000", "-ac", "1", "-c:a", "pcm_s24le");
        Wav8kU8 = Encode("wav8k-u8.wav", "-ar", "8000", "-ac", "1", "-c:a", "pcm_u8");
        // sox writes plain WAVE_FORMAT_IEEE_FLOAT (tag 3, an 18-byte fmt chunk); ffmpeg would write EXTENSIBLE.
        WavFloat32 = Path.Combine(Folder, "wav-f32.wav");
        Run("sox", SpeechSource, "-e", "floating-point", "-b", "32", WavFloat32);
        WavFloat64 = Path.Combine(Folder, "wav-f64.wav");
        Run("sox", SpeechSource, "-e", "floating-point", "-b", "64", WavFloat64);
        // Six channels (5.1) of 24-bit make ffmpeg write WAVE_FORMAT_EXTENSIBLE.
        WavExtensible = Encode("wav-extensible-5.1.wav", "-ar", "32000", "-af", "pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0",
            "-c:a", "pcm_s24le");
        WavMuLaw = Encode("wav-mulaw.wav", "-ar", "8000", "-ac", "1", "-c:a", "pcm_mulaw");
        Mp3 = Encode("speech.mp3", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k");
        OggVorbis = Encode("speech-vorbis.ogg", "-c:a", "libvorbis", "-q:a", "3");
        OggOpus = Encode("speech-opus.ogg", "-c:a", "libopus", "-b:a", "32k");
        Opus = Encode("speech.opus", "-c:a", "libopus", "-b:a", "24k");
        Flac = Encode("speech.flac", "-c:a", "flac");
        M4a = Encode("speech.m4a", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart");
        Mp4MoovAtEnd = Encode("speech-moov-end.mp4", "-c:a", "aac", "-b:a", "64k", "-f", "mp4");
        Mp4MoovAtFront = Encode("speech-moov-front.mp4", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4");
        Webm = Encode("speech.webm", "-c:a", "libopus", "-b:a", "32k", "-f", "webm");
        // Raw ADTS has no priming/padding information, so its decoded length runs up to two AAC frames long.
        AacAdts = Encode("speech.aac", "-ar", "48000", "-c:a", "aac", "-b:a", "64k", "-f", "adts");

        SpeechSeconds = SecondsOf(Wav16kMonoS16);

        Sine1kHz44kStereo = Path.Combine(Folder, "sine-1khz-44k-stereo.wav");
        Run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", Sine1kHz44kStereo, "synth", "2", "sine", "1000", "vol", "0.5");
        Tone12kHz48k = Path.Combine(Folder, "tone-12khz-48k.wav");
        Run("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", Tone12kHz48k, "synth", "2", "sine", "12000", "vol", "0.5");

        // An hour of silence as FLAC: about 0.6 MB that expands to 230 MB of float samples.
        HourOfSilenceFlac = Path.Combine(Folder, "silence-1h.flac");
        Run(EncoderFfmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3600",
            "-c:a", "flac", HourOfSilenceFlac);

        // A minute of speech for timing: the sentence repeated.
        Speech60sWav16kMono = Path.Combine(Folder, "speech-60s-16k-mono.wav");
        Loop60s(Wav16kMonoS16, Speech60sWav16kMono);
        Speech60sWav44kStereo = Path.Combine(Folder, "speech-60s-44k-stereo.wav");
        Loop60s(Wav44kStereoS16, Speech60sWav44kStereo);
        // Encoded from the looped WAV: looping an MP3 input loses its priming at every seam.
        Speech60sMp3 = Path.Combine(Folder, "speech-60s.mp3");
        Run(EncoderFfmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", Speech60sWav44kStereo, "-c:a", "libmp3lame", "-b:a", "64k",
            Speech60sMp3);
    }

    public string Folder { get; }

    /// <summary>espeak-ng's own output (22.05 kHz mono s16), the source of every speech sample.</summary>
    public string SpeechSource { get; }

    /// <summary>Duration of the spoken sentence, from the 16 kHz WAV's sample count.</summary>
    public double SpeechSeconds { get; }

    public string Wav16kMonoS16 { get; }
    public string Wav44kStereoS16 { get; }
    public string Wav48kS24 { get; }
    public string Wav8kU8 { get; }
    public string WavFloat32 { get; }
    public string WavFloat64 { get; }
    public string WavExtensible { get; }
    public string WavMuLaw { get; }
    public string Mp3 { get; }
    public string OggVorbis { get; }
    public string OggOpus { get; }
    public string Opus { get; }
    public string Flac { get; }
    public string M4a { get; }
    public string Mp4MoovAtEnd { get; }
    public string Mp4MoovAtFront { get; }
    public string Webm { get; }
    public string AacAdts { get; }

    /// <summary>2 s of a 1 kHz sine at half scale, 44.1 kHz stereo s16 (both channels equal).</summary>
    public string Sine1kHz44kStereo { get; }

    /// <summary>2 s of a 12 kHz sine at half scale, 48 kHz mono s16: above the 8 kHz Nyquist of the output.</summary>
    public string Tone12kHz48k { get; }

    public string HourOfSilenceFlac { get; }
    public string Speech60sWav16kMono { get; }
    public string Speech60sWav44kStereo { get; }
    public string Speech60sMp3 { get; }

    /// <summary>Every speech sample (the sentence in some format) by property name, with the container it is in.</summary>
    public static IReadOnlyList<(string Name, AudioContainer Container)> SpeechFiles { get; } =
    [
        (nameof(Wav16kMonoS16), AudioContainer.Wav),
        (nameof(Wav44kStereoS16), AudioContainer.Wav),
        (nameof(Wav48kS24), AudioContainer.Wav),
        (nameof(Wav8kU8), AudioContainer.Wav),
        (nameof(WavFloat32), AudioContainer.Wav),
        (nameof(WavFloat64), AudioContainer.Wav),
        (nameof(WavExtensible), AudioContainer.Wav),
        (nameof(WavMuLaw), AudioContainer.Wav),
        (nameof(Mp3), AudioContainer.Mp3),
        (nameof(OggVorbis), AudioContainer.Ogg),
        (nameof(OggOpus), AudioContainer.Ogg),
        (nameof(Opus), AudioContainer.Ogg),
        (nameof(Flac), AudioContainer.Flac),
        (nameof(M4a), AudioContainer.Mp4),
        (nameof(Mp4MoovAtEnd), AudioContainer.Mp4),
        (nameof(Mp4MoovAtFront), AudioContainer.Mp4),
        (nameof(Webm), AudioContainer.Webm),
        (nameof(AacAdts), AudioContainer.Aac),
    ];

    /// <summary><see cref="SpeechFiles"/> (those <paramref name="include"/> accepts) as xunit theory data.</summary>
    public static TheoryData<string, AudioContainer> SpeechFileData(Func<string, AudioContainer, bool>? include = null)
    {
        var data = new TheoryData<string, AudioContainer>();
        foreach (var (name, container) in SpeechFiles.Where(f => include?.Invoke(f.Name, f.Container) ?? true))
        {
            data.Add(name, container);
        }
        return data;
    }

    /// <summary>Every speech sample by name, for theory tests.</summary>
    public string this[string name] => (string)(typeof(AudioSamples).GetProperty(name)?.GetValue(this)
        ?? throw new ArgumentException($"No sample named {name}.", nameof(name)));

    private string Encode(string fileName, params string[] options)
    {
        string path = Path.Combine(Folder, fileName);
        Run(EncoderFfmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-i", SpeechSource, .. options, path]);
        return path;
    }

    private static void Loop60s(string source, string target) =>
        Run(EncoderFfmpeg, "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", source, "-t", "60", target);

    /// <summary>Duration of a PCM WAV from its size, read with sox.</summary>
    private static double SecondsOf(string wav) =>
        double.Parse(Run("soxi", "-D", wav).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public static string Run(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr}");
        }
        return stdout.Result;
    }

    private void TryDeleteFolder()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort at exit; the folder is under the temp directory.
        }
    }
}
