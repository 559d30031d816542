using System.Text;
using System.Text.Json;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>Reads an upstream OpenAI-shaped response into the one result model (keeping the raw body).</summary>
internal static class UpstreamResponseParser
{
    public static TranscriptionResult Parse(byte[] body, string? contentType, ResponseFormat format, TranscriptionTask task, double? knownDuration)
    {
        var raw = new UpstreamBody(format.ToWire(), contentType ?? "application/json", body);
        if (format is ResponseFormat.Text or ResponseFormat.Srt or ResponseFormat.Vtt)
        {
            var text = Encoding.UTF8.GetString(body);
            return new TranscriptionResult
            {
                Task = task,
                Text = format == ResponseFormat.Text ? text.Trim() : SubtitleText(text),
                Duration = knownDuration ?? 0,
                Raw = raw,
            };
        }
        using var doc = JsonDocument.Parse(body);
        return FromJson(doc.RootElement, task, knownDuration) with { Raw = raw };
    }

    public static TranscriptionResult FromJson(JsonElement root, TranscriptionTask task, double? knownDuration)
    {
        var segments = new List<TranscriptSegment>();
        if (root.TryGetProperty("segments", out var segs) && segs.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (var s in segs.EnumerateArray())
            {
                segments.Add(new TranscriptSegment
                {
                    Id = SegmentId(s, index++),
                    Seek = Int(s, "seek"),
                    Start = Num(s, "start"),
                    End = Num(s, "end"),
                    Text = Str(s, "text") ?? "",
                    Tokens = s.TryGetProperty("tokens", out var t) && t.ValueKind == JsonValueKind.Array
                        ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetInt32()).ToArray()
                        : [],
                    Temperature = Num(s, "temperature"),
                    AvgLogprob = Num(s, "avg_logprob"),
                    CompressionRatio = Num(s, "compression_ratio"),
                    NoSpeechProb = Num(s, "no_speech_prob"),
                    Speaker = Str(s, "speaker"),
                });
            }
        }
        List<TranscriptWord>? words = null;
        if (root.TryGetProperty("words", out var ws) && ws.ValueKind == JsonValueKind.Array)
        {
            words = ws.EnumerateArray().Select(w => new TranscriptWord(Str(w, "word") ?? "", Num(w, "start"), Num(w, "end"))).ToList();
        }
        var language = Str(root, "language");
        return new TranscriptionResult
        {
            Task = task,
            Text = Str(root, "text") ?? "",
            Language = language is null ? null : WhisperLanguages.NormalizeToCode(language) ?? language,
            Duration = root.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : knownDuration ?? 0,
            Segments = segments,
            WordTimings = words,
            Usage = ParseUsage(root),
            Logprobs = ParseLogprobs(root),
            Languages = ParseLanguages(root),
        };
    }

    /// <summary>gpt-transcribe's "languages": [{"code": "fr"}] (possibly empty); null when the field is absent.</summary>
    public static IReadOnlyList<string>? ParseLanguages(JsonElement root)
    {
        if (!root.TryGetProperty("languages", out var languages) || languages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        return languages.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Object ? Str(l, "code") : null)
            .OfType<string>().ToList();
    }

    public static TranscriptionUsage? ParseUsage(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (Str(u, "type") == "duration")
        {
            return new DurationUsage(Num(u, "seconds"));
        }
        var details = u.TryGetProperty("input_token_details", out var dt) ? dt : default;
        return new TokenUsage(Int(u, "input_tokens"), Int(u, "output_tokens"), Int(u, "total_tokens"),
            details.ValueKind == JsonValueKind.Object ? Int(details, "audio_tokens") : 0,
            details.ValueKind == JsonValueKind.Object ? Int(details, "text_tokens") : 0);
    }

    public static IReadOnlyList<TokenLogprob>? ParseLogprobs(JsonElement root)
    {
        if (!root.TryGetProperty("logprobs", out var lp) || lp.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        return lp.EnumerateArray().Select(x => new TokenLogprob(Str(x, "token") ?? "", Num(x, "logprob"),
            x.TryGetProperty("bytes", out var b) && b.ValueKind == JsonValueKind.Array ? b.EnumerateArray().Select(v => v.GetInt32()).ToArray() : [])).ToList();
    }

    /// <summary>The cue texts of an srt/vtt body joined, for callers that need plain text.</summary>
    private static string SubtitleText(string body) => string.Join(' ', body.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && l != "WEBVTT" && !l.Contains("-->", StringComparison.Ordinal) && !l.All(char.IsAsciiDigit)));

    private static int SegmentId(JsonElement s, int fallback)
    {
        if (!s.TryGetProperty("id", out var id))
        {
            return fallback;
        }
        if (id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var n))
        {
            return n;
        }
        var text = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        return text is not null && text.StartsWith("seg_", StringComparison.Ordinal) && int.TryParse(text.AsSpan(4), out var k) ? k : fallback;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : 0;
}
