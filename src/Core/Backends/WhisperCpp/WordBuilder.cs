using System.Runtime.InteropServices;
using System.Text;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Joins BPE pieces into words: a piece that starts with a space begins a new word.</summary>
internal sealed class WordBuilder
{
    private readonly List<byte> _bytes = [];
    private double _start;
    private double _end;
    private double _probabilitySum;
    private int _pieces;

    public void Add(ReadOnlySpan<byte> piece, double start, double end, float probability)
    {
        if (_pieces == 0)
        {
            _start = start;
        }
        _bytes.AddRange(piece);
        _end = Math.Max(end, _start);
        _probabilitySum += probability;
        _pieces++;
    }

    public void FlushTo(List<TranscriptWord> words)
    {
        if (_pieces > 0)
        {
            // Decoding the joined bytes (not each piece) keeps characters split across pieces intact.
            var text = Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(_bytes)).Trim();
            if (text.Length > 0)
            {
                words.Add(new TranscriptWord(text, _start, _end, (float)(_probabilitySum / _pieces)));
            }
        }
        _bytes.Clear();
        _pieces = 0;
        _probabilitySum = 0;
    }
}
