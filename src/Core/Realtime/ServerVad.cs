using SpeechToText.Core.Audio;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// Server VAD of one session: the Silero model of whisper.cpp run over each new stretch of appended audio (every
/// <see cref="StepMs"/> ms, with a short lead-in so the detector starts warm), its regions handed to a
/// <see cref="TurnTracker"/>. One per session: a VAD context serves one caller at a time.
/// </summary>
internal sealed class ServerVad : IDisposable
{
    /// <summary>New audio scanned at once: the longest a speech start or stop waits to be noticed.</summary>
    public const int StepMs = 200;

    /// <summary>Audio before each new stretch scanned with it (not reported) to warm the detector.</summary>
    public const int LeadInMs = 300;

    private readonly SileroVad _vad;
    private readonly int _rate;
    private readonly PolyphaseResampler? _resampler;
    private readonly TurnTracker _turns;
    private long _scanned;

    private ServerVad(SileroVad vad, int rate, TurnDetection settings)
    {
        _vad = vad;
        _rate = rate;
        _resampler = rate == DecodedAudio.SampleRate ? null : PolyphaseResampler.ToSpeechRate(rate);
        _turns = new TurnTracker(settings, rate);
    }

    public TurnTracker Turns => _turns;

    /// <summary>The session's VAD, or null when whisper.cpp cannot load the Silero model.</summary>
    public static ServerVad? TryCreate(WhisperOptions engine, TurnDetection settings, int rate, long position)
    {
        var options = new WhisperOptions
        {
            NativeDirectory = engine.NativeDirectory,
            VadModelPath = engine.VadModelPath,
            VadThreshold = settings.Threshold,
            VadMinSilenceMs = 100,
            VadSpeechPadMs = 30,
        };
        var vad = SileroVad.TryLoad(options, threads: 1);
        if (vad is null)
        {
            return null;
        }
        var server = new ServerVad(vad, rate, settings) { _scanned = position };
        server._turns.Reset(position);
        return server;
    }

    /// <summary>Scans what was appended since the last scan, once a step's worth has arrived.</summary>
    public IReadOnlyList<TurnEvent> Scan(InputAudioBuffer buffer)
    {
        _scanned = Math.Max(_scanned, buffer.Start);
        long step = (long)_rate * StepMs / 1000;
        if (buffer.End - _scanned < step)
        {
            return [];
        }
        long from = Math.Max(buffer.Start, _scanned - (long)_rate * LeadInMs / 1000);
        var pcm = buffer.From(from);
        var floats = new float[pcm.Length];
        for (int i = 0; i < pcm.Length; i++)
        {
            floats[i] = pcm[i] / 32768f;
        }
        var speech = _resampler is null ? floats : _resampler.Resample(floats);
        double toSpeech = speech.Length / (double)floats.Length;
        int start = Math.Clamp((int)Math.Round((_scanned - from) * toSpeech), 0, speech.Length - 1);
        var found = _vad.Detect(speech, start, speech.Length, blockSamples: speech.Length - start);
        var regions = found.Select(r => (from + (long)Math.Round(r.StartCs / 100.0 * _rate), from + (long)Math.Round(r.EndCs / 100.0 * _rate))).ToList();
        _scanned = buffer.End;
        return _turns.Observe(regions, buffer.End);
    }

    /// <summary>Nothing buffered is a turn any more (cleared, or committed by the client).</summary>
    public void Reset(long position)
    {
        _scanned = Math.Max(_scanned, position);
        _turns.Reset(position);
    }

    public void Dispose() => _vad.Dispose();
}
