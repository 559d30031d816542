using System.Globalization;
using System.Text;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Joins the transcripts of a recording's chunks into one transcript of the whole recording: times
/// shifted to the original audio, segments renumbered, text joined with single spaces, segments that
/// repeat what an overlapping earlier chunk already said dropped, usage summed.
/// </summary>
public static class TranscriptStitcher
{
    /// <summary>A later segment may start this much before the kept end without counting as overlap (float noise of shifted times).</summary>
    private const double OverlapEpsilonSeconds = 0.05;

    public static TranscriptionResult Stitch(IReadOnlyList<ChunkTranscript> chunks, double totalDuration)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            throw new ArgumentException("There are no chunk transcripts to stitch.", nameof(chunks));
        }
        var ordered = chunks.OrderBy(c => c.Chunk.Start).ThenBy(c => c.Chunk.Index).ToList();
        var task = ordered[0].Result.Task;
        if (ordered.Any(c => c.Result.Task != task))
        {
            throw new ArgumentException("The chunks mix transcription and translation.", nameof(chunks));
        }

        var segments = new List<TranscriptSegment>();
        var text = new StringBuilder();
        var wordTimings = ordered.Any(c => c.Result.WordTimings is not null) ? new List<TranscriptWord>() : null;
        List<TokenLogprob>? logprobs = null;
        foreach (var (chunk, result) in ordered)
        {
            var offset = chunk.Start;
            foreach (var segment in result.Segments)
            {
                var start = segment.Start + offset;
                if (IsRepeat(segments, start, segment.Text))
                {
                    continue;
                }
                segments.Add(segment with
                {
                    Id = segments.Count,
                    Seek = (int)Math.Round(start * 100),
                    Start = start,
                    End = segment.End + offset,
                    Words = Shift(segment.Words, offset),
                });
                AppendSpaced(text, segment.Text);
            }
            // A backend that answers text only (gpt-4o json) has no segments: its text is the chunk's text.
            if (result.Segments.Count == 0)
            {
                AppendSpaced(text, result.Text);
            }
            if (wordTimings is not null)
            {
                var lastEnd = wordTimings.Count > 0 ? wordTimings[^1].End : double.NegativeInfinity;
                wordTimings.AddRange(Shift(result.Words.ToList(), offset).Where(w => w.Start >= lastEnd - OverlapEpsilonSeconds));
            }
            if (result.Logprobs is { } lp)
            {
                (logprobs ??= []).AddRange(lp);
            }
        }

        return new TranscriptionResult
        {
            Task = task,
            Text = text.ToString(),
            Language = Language(ordered),
            Duration = totalDuration,
            Segments = segments,
            Usage = Usage(ordered, totalDuration),
            Logprobs = logprobs,
            WordTimings = wordTimings,
        };
    }

    /// <summary>
    /// The end of the previous chunk's text to pass as the next chunk's prompt: its last sentence, or
    /// its last <paramref name="maxChars"/> characters (from a word start) when that sentence is longer;
    /// null when there is no text.
    /// </summary>
    public static string? PromptFrom(TranscriptionResult previous, int maxChars = 200)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        var text = CollapseWhitespace(previous.Text);
        if (text.Length == 0)
        {
            return null;
        }
        // The last sentence starts after the last terminator that is not the text's own final character.
        var start = 0;
        for (var i = text.Length - 2; i >= 0; i--)
        {
            if (IsSentenceEnd(text[i]) && (text[i + 1] == ' ' || IsCjk(text[i + 1]) || IsCjk(text[i])))
            {
                start = i + 1;
                break;
            }
        }
        var sentence = text[start..].Trim();
        if (sentence.Length <= maxChars)
        {
            return sentence;
        }
        var tail = sentence[^maxChars..];
        // Starting mid-word would feed the model a fragment; start at the next word instead.
        var space = tail.IndexOf(' ', StringComparison.Ordinal);
        if (sentence[^(maxChars + 1)] != ' ' && space >= 0)
        {
            tail = tail[(space + 1)..];
        }
        return tail.Trim();
    }

    /// <summary>
    /// A segment repeats kept text when it starts inside the time already covered and its words are
    /// already there: in the kept segments it overlaps in time.
    /// </summary>
    private static bool IsRepeat(List<TranscriptSegment> kept, double start, string text)
    {
        if (kept.Count == 0 || start >= kept[^1].End - OverlapEpsilonSeconds)
        {
            return false;
        }
        var words = Normalize(text);
        if (words.Length == 0)
        {
            return true;
        }
        var overlapped = new StringBuilder();
        for (var i = kept.Count - 1; i >= 0 && kept[i].End > start - OverlapEpsilonSeconds; i--)
        {
            overlapped.Insert(0, kept[i].Text + " ");
        }
        return (" " + Normalize(overlapped.ToString()) + " ").Contains(" " + words + " ", StringComparison.Ordinal);
    }

    /// <summary>Lower-case words without punctuation, one space apart: what "the same text" means for overlap.</summary>
    private static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsWhiteSpace(c) && sb.Length > 0 && sb[^1] != ' ')
            {
                sb.Append(' ');
            }
        }
        return sb.ToString().TrimEnd();
    }

    private static IReadOnlyList<TranscriptWord> Shift(IReadOnlyList<TranscriptWord> words, double offset) =>
        words.Count == 0 ? words : words.Select(w => w with { Start = w.Start + offset, End = w.End + offset }).ToList();

    /// <summary>Appends <paramref name="piece"/> with exactly one space between words (none between CJK characters).</summary>
    private static void AppendSpaced(StringBuilder text, string piece)
    {
        var clean = CollapseWhitespace(piece);
        if (clean.Length == 0)
        {
            return;
        }
        if (text.Length > 0 && !(IsCjk(text[^1]) && IsCjk(clean[0])))
        {
            text.Append(' ');
        }
        text.Append(clean);
    }

    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != ' ')
            {
                sb.Append(' ');
            }
        }
        return sb.ToString().TrimEnd();
    }

    private static bool IsSentenceEnd(char c) => c is '.' or '!' or '?' or '…' or '。' or '！' or '？';

    /// <summary>Scripts written without spaces between words (Han, kana, CJK punctuation).</summary>
    private static bool IsCjk(char c) =>
        c is >= '\u3000' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uFF00' and <= '\uFFEF';

    /// <summary>The first language reported; when chunks disagree, the one covering the most audio.</summary>
    private static string? Language(List<ChunkTranscript> chunks)
    {
        var byDuration = chunks
            .Where(c => !string.IsNullOrEmpty(c.Result.Language))
            .Select((c, order) => (Language: c.Result.Language!.ToLower(CultureInfo.InvariantCulture), c.Chunk.Duration, Order: order))
            .GroupBy(x => x.Language)
            .Select(g => (g.Key, Seconds: g.Sum(x => x.Duration), First: g.Min(x => x.Order)))
            .OrderByDescending(g => g.Seconds).ThenBy(g => g.First)
            .FirstOrDefault();
        return byDuration.Key;
    }

    /// <summary>Seconds add up, tokens add up; chunks billed differently (or not reported) count as the whole audio's seconds.</summary>
    private static TranscriptionUsage? Usage(List<ChunkTranscript> chunks, double totalDuration)
    {
        var usages = chunks.Select(c => c.Result.Usage).ToList();
        if (usages.All(u => u is null))
        {
            return null;
        }
        if (usages.All(u => u is DurationUsage))
        {
            return new DurationUsage(usages.Cast<DurationUsage>().Sum(u => u.Seconds));
        }
        if (usages.All(u => u is TokenUsage))
        {
            var tokens = usages.Cast<TokenUsage>().ToList();
            return new TokenUsage(tokens.Sum(t => t.InputTokens), tokens.Sum(t => t.OutputTokens), tokens.Sum(t => t.TotalTokens),
                tokens.Sum(t => t.AudioTokens), tokens.Sum(t => t.TextTokens));
        }
        return new DurationUsage(totalDuration);
    }
}
