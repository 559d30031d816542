using System.Text.Json;
using SpeechToText.Core.Audio;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Realtime;

/// <summary>Speech for the realtime tests: espeak-ng phrases as 16-bit PCM at the Realtime API's 24 kHz (or any rate), made once.</summary>
public static class RealtimeAudio
{
    public const string FirstPhrase = "The quick brown fox jumps over the lazy dog.";
    public const string SecondPhrase = "Please call me back tomorrow morning.";

    private static readonly string Folder = CreateFolder();

    private static readonly Lazy<short[]> Speech24 = new(() => Phrase(AudioSamples.SpeechText, 24_000));

    /// <summary>The shared speech sample (AudioSamples.SpeechText), 24 kHz mono.</summary>
    public static short[] Speech24k => Speech24.Value;

    /// <summary><paramref name="text"/> spoken by espeak-ng, resampled by sox to <paramref name="rate"/> mono 16-bit.</summary>
    public static short[] Phrase(string text, int rate)
    {
        var name = $"{Math.Abs(StringComparer.Ordinal.GetHashCode(text)):x}-{rate}";
        var wav = Path.Combine(Folder, name + ".wav");
        var raw = Path.Combine(Folder, name + ".raw");
        if (!File.Exists(raw))
        {
            AudioSamples.Run("espeak-ng", "-w", wav, text);
            AudioSamples.Run("sox", wav, "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw);
        }
        var bytes = File.ReadAllBytes(raw);
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    public static short[] Silence(double seconds, int rate = 24_000) => new short[(int)(seconds * rate)];

    /// <summary>What the file endpoint answers (whisper-1) for the same audio posted as a WAV at <paramref name="rate"/>: the realtime tests' reference.</summary>
    public static async Task<string> FileTranscriptAsync(HttpClient client, short[] samples, int rate = 24_000)
    {
        using var content = Multipart.Form(WavWriter.FromPcm16(samples, rate), "turn.wav", "whisper-1");
        using var response = await client.PostAsync("v1/audio/transcriptions", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("text").GetString()!;
    }

    public static short[] Concat(params short[][] parts) => parts.SelectMany(p => p).ToArray();

    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stt-realtime-audio-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    }
}
