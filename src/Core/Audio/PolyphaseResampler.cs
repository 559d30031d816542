using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Audio;

/// <summary>
/// Band-limited sample-rate conversion of mono audio to 16 kHz: a Kaiser-windowed sinc low-pass,
/// evaluated as a polyphase filter bank so each output sample is one dot product. The cut-off sits
/// at 92 % of the lower Nyquist frequency, so content above 8 kHz (when downsampling) is removed
/// before it could fold back into the speech band.
/// </summary>
internal sealed class PolyphaseResampler
{
    private const double CutoffFraction = 0.92;
    private const int ZeroCrossings = 24;
    private const double KaiserBeta = 8.6; // about 85 dB of stop-band attenuation
    private const int MaxPhases = 1024;
    private const int MaxCached = 32;

    private static readonly ConcurrentDictionary<int, PolyphaseResampler> Cache = new();

    private readonly long _up;       // L: output samples per _down input samples
    private readonly long _down;     // M
    private readonly int _phases;    // rows of _table: L, or fewer when L is huge (phase rounded)
    private readonly int _halfTaps;  // H: taps on each side of the output instant
    private readonly float[] _table; // _phases rows of 2H coefficients

    private PolyphaseResampler(int inputRate, int outputRate)
    {
        long g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        // Cut-off relative to the input Nyquist frequency; the impulse response in input samples is
        // c·sinc(c·τ), whose zero crossings are 1/c apart.
        double c = CutoffFraction * Math.Min(1.0, outputRate / (double)inputRate);
        _halfTaps = (int)Math.Ceiling(ZeroCrossings / c);
        _phases = (int)Math.Min(_up, MaxPhases);
        int taps = 2 * _halfTaps;
        _table = new float[_phases * taps];
        double halfWidth = _halfTaps;
        double i0Beta = BesselI0(KaiserBeta);
        for (int p = 0; p < _phases; p++)
        {
            double phase = p / (double)_phases;
            var row = _table.AsSpan(p * taps, taps);
            double sum = 0;
            for (int j = 0; j < taps; j++)
            {
                // Tap j multiplies input sample (base - H + 1 + j); its distance from the output instant.
                double tau = phase + _halfTaps - 1 - j;
                double x = tau / halfWidth;
                double window = Math.Abs(x) >= 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - x * x)) / i0Beta;
                double v = c * Sinc(c * tau) * window;
                row[j] = (float)v;
                sum += v;
            }
            // Unity gain at DC for every phase, so a constant stays exactly constant.
            for (int j = 0; j < taps; j++)
            {
                row[j] = (float)(row[j] / sum);
            }
        }
    }

    public static PolyphaseResampler ToSpeechRate(int inputRate)
    {
        if (Cache.TryGetValue(inputRate, out var cached))
        {
            return cached;
        }
        var created = new PolyphaseResampler(inputRate, DecodedAudio.SampleRate);
        // Odd rates are rare; a bounded cache keeps a stream of crafted rates from growing memory.
        if (Cache.Count < MaxCached)
        {
            Cache.TryAdd(inputRate, created);
        }
        return created;
    }

    /// <summary>The number of output samples <paramref name="inputLength"/> input samples become.</summary>
    public long OutputLength(long inputLength) => inputLength == 0 ? 0 : ((inputLength * _up) - 1) / _down + 1;

    // Hot path: compiled optimised on first call rather than after a tier-0 pass.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float[] Resample(ReadOnlySpan<float> input)
    {
        int taps = 2 * _halfTaps;
        // Zero padding on both sides keeps the inner loop free of bounds tests.
        var padded = new float[input.Length + taps + 1];
        input.CopyTo(padded.AsSpan(_halfTaps - 1));
        var output = new float[OutputLength(input.Length)];
        ReadOnlySpan<float> table = _table;
        ReadOnlySpan<float> source = padded;
        // The output instant n·M/L, in input samples, kept as whole part + fraction (in 1/L) and advanced
        // by M/L per output sample: no division in the loop.
        long baseIndex = 0, frac = 0;
        long baseStep = _down / _up, fracStep = _down % _up;
        bool exactPhases = _phases == _up;
        for (int n = 0; n < output.Length; n++)
        {
            long start = baseIndex;
            int phase;
            if (exactPhases)
            {
                phase = (int)frac;
            }
            else
            {
                // Too many phases for a table: use the nearest of _phases (error under 1/(2·_phases) sample).
                phase = (int)((frac * _phases + _up / 2) / _up);
                if (phase == _phases)
                {
                    phase = 0;
                    start++;
                }
            }
            // padded[i + H - 1] = input[i], so input[base - H + 1] is padded[base].
            output[n] = Dot(source.Slice((int)start, taps), table.Slice(phase * taps, taps));
            baseIndex += baseStep;
            frac += fracStep;
            if (frac >= _up)
            {
                frac -= _up;
                baseIndex++;
            }
        }
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++)
        {
            acc += va[i] * vb[i];
        }
        float sum = Vector.Sum(acc);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double BesselI0(double x)
    {
        // Power series; converges quickly for the small arguments a Kaiser window uses.
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 50 && term > 1e-12 * sum; k++)
        {
            term *= half / k * (half / k);
            sum += term;
        }
        return sum;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
