
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.ModelTools;

namespace SpeechToText.Tests.Fixtures;

/// <summary>Tests that load whisper.cpp and allocate native memory run one at a time, sharing generated models.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WhisperNativeCollection : ICollectionFixture<SyntheticModels>
{
    public const string Name = "whisper native";
}

/// <summary>Generated Test-size models (English-only and multilingual), written once per test run.</summary>
public sealed class SyntheticModels : IDisposable
{
    public SyntheticModels()
    {
        Directory = Path.Combine(Path.GetTempPath(), "stt-engine-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        English = Path.Combine(Directory, "synthetic-test.en.bin");
        Multilingual = Path.Combine(Directory, "synthetic-test.bin");
        SyntheticGgmlModel.Write(English, SyntheticModelSize.Test, multilingual: false, seed: 1);
        SyntheticGgmlModel.Write(Multilingual, SyntheticModelSize.Test, multilingual: true, seed: 2);
    }

    public string Directory { get; }

    public string English { get; }

    public string Multilingual { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Generated 16 kHz mono test signals (no speech synthesiser needed).</summary>
internal static class TestAudio
{
    public const int Rate = 16_000;

    /// <summary>A gliding tone with a little noise: deterministic, not silence, not speech.</summary>
    public static float[] ToneWithNoise(double seconds, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new float[(int)(seconds * Rate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.3f * MathF.Sin(2 * MathF.PI * (300 + i / 200f) * i / Rate) + 0.05f * (float)(random.NextDouble() - 0.5);
        }
        return samples;
    }

    public static float[] Silence(double seconds) => new float[(int)(seconds * Rate)];

    /// <summary>
    /// A vowel-like voice: a 120 Hz pulse train through three formant resonators, with syllable-rate
    /// loudness changes. Silero VAD takes (parts of) it for speech.
    /// </summary>
    public static float[] Voice(double seconds)
    {
        var n = (int)(seconds * Rate);
        var output = new float[n];
        (double Frequency, double Bandwidth)[] formants = [(730, 90), (1090, 110), (2440, 170)];
        var a1 = new double[formants.Length];
        var a2 = new double[formants.Length];
        for (var k = 0; k < formants.Length; k++)
        {
            var r = Math.Exp(-Math.PI * formants[k].Bandwidth / Rate);
            a1[k] = 2 * r * Math.Cos(2 * Math.PI * formants[k].Frequency / Rate);
            a2[k] = -r * r;
        }
        var y1 = new double[formants.Length];
        var y2 = new double[formants.Length];
        double phase = 0, peak = 1e-9;
        var raw = new double[n];
        for (var i = 0; i < n; i++)
        {
            var t = i / (double)Rate;
            phase += 120 * (1 + 0.1 * Math.Sin(2 * Math.PI * 0.7 * t)) / Rate;
            var pulse = phase >= 1 ? 1.0 : 0.0;
            phase -= Math.Floor(phase);
            double y = 0;
            for (var k = 0; k < formants.Length; k++)
            {
                var yk = pulse + a1[k] * y1[k] + a2[k] * y2[k];
                y2[k] = y1[k];
                y1[k] = yk;
                y += yk;
            }
            raw[i] = y * 0.5 * (1 - Math.Cos(2 * Math.PI * 4 * t));
            peak = Math.Max(peak, Math.Abs(raw[i]));
        }
        for (var i = 0; i < n; i++)
        {
            output[i] = (float)(0.3 * raw[i] / peak);
        }
        return output;
    }

    public static float[] Concat(params float[][] parts) => parts.SelectMany(p => p).ToArray();
}
