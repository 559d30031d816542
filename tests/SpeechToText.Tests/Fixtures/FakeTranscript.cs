using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// The deterministic content of the fake's default answers: two sentences ("Hello from {deployment}." and
/// "This is a fake transcript."), words spread evenly over the audio length, one segment per sentence,
/// speakers A and B. Renders every documented response shape; gpt-transcribe answers "languages" with the first
/// of the request's languages[] (English without them) as its detection.
/// </summary>
internal sealed class FakeTranscript
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private FakeTranscript(string deployment, string kind, double seconds, bool translate, string? prompt, IReadOnlyList<string>? languages)
    {
        Kind = kind;
        DetectedLanguage = kind == FakeDeploymentKind.GptTranscribe ? languages?.FirstOrDefault() ?? "en" : null;
        Duration = seconds;
        Translate = translate;
        Prompt = prompt;
        string[] sentences = [$"Hello from {deployment}.", "This is a fake transcript."];
        Text = string.Join(' ', sentences);
        int wordCount = sentences.Sum(s => s.Split(' ').Length);
        double perWord = seconds / wordCount;
        int index = 0;
        var segments = new List<Segment>();
        foreach (var sentence in sentences)
        {
            var words = sentence.Split(' ')
                .Select(w => new Word(w, Math.Round(index * perWord, 3), Math.Round(++index * perWord, 3)))
                .ToList();
            segments.Add(new Segment(segments.Count, sentence, words, segments.Count % 2 == 0 ? "A" : "B"));
        }
        Segments = segments;
    }

    public string Kind { get; }
    public double Duration { get; }
    public bool Translate { get; }
    public string? Prompt { get; }
    /// <summary>What gpt-transcribe reports in "languages"; null for the kinds without the field.</summary>
    public string? DetectedLanguage { get; }
    public string Text { get; }
    public IReadOnlyList<Segment> Segments { get; }
    public IEnumerable<Word> Words => Segments.SelectMany(s => s.Words);

    public static FakeTranscript For(string deployment, string kind, double seconds, bool translate, string? prompt,
        IReadOnlyList<string>? languages = null) =>
        new(deployment, kind, seconds, translate, prompt, languages);

    public JsonObject Json(bool logprobs)
    {
        var json = new JsonObject { ["text"] = Text, ["usage"] = Usage() };
        if (logprobs)
        {
            json["logprobs"] = Logprobs(Words);
        }
        AddLanguages(json);
        return json;
    }

    private void AddLanguages(JsonObject json)
    {
        if (DetectedLanguage is not null)
        {
            json["languages"] = new JsonArray(new JsonObject { ["code"] = DetectedLanguage });
        }
    }

    public JsonObject VerboseJson(bool words, bool segments)
    {
        var json = new JsonObject
        {
            ["task"] = Translate ? "translate" : "transcribe",
            ["language"] = "english",
            ["duration"] = Duration,
            ["text"] = Text,
        };
        if (segments)
        {
            json["segments"] = new JsonArray(Segments.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Index,
                ["seek"] = 0,
                ["start"] = s.Start,
                ["end"] = s.End,
                ["text"] = " " + s.Text,
                ["tokens"] = new JsonArray(s.Words.Select((_, i) => (JsonNode)(50364 + (s.Index * 100) + i)).ToArray()),
                ["temperature"] = 0.0,
                ["avg_logprob"] = -0.25,
                ["compression_ratio"] = 1.2,
                ["no_speech_prob"] = 0.01,
            }).ToArray());
        }
        if (words)
        {
            json["words"] = new JsonArray(Words.Select(w => (JsonNode)new JsonObject { ["word"] = w.Text, ["start"] = w.Start, ["end"] = w.End }).ToArray());
        }
        json["usage"] = Usage();
        return json;
    }

    public JsonObject DiarizedJson() => new()
    {
        ["task"] = "transcribe",
        ["duration"] = Duration,
        ["text"] = Text,
        ["segments"] = new JsonArray(Segments.Select(s => (JsonNode)SegmentEvent(s)).ToArray()),
        ["usage"] = Usage(),
    };

    public string PlainText() => Text + "\n";

    public string Srt() => string.Concat(Segments.Select(s =>
        $"{s.Index + 1}\n{Stamp(s.Start, ',')} --> {Stamp(s.End, ',')}\n{s.Text}\n\n"));

    public string Vtt() => "WEBVTT\n\n" + string.Concat(Segments.Select(s =>
        $"{Stamp(s.Start, '.')} --> {Stamp(s.End, '.')}\n{s.Text}\n\n"));

    /// <summary>The default stream: one delta per word (with segment ids and segment events when diarizing), then done.</summary>
    public IEnumerable<JsonObject> StreamEvents(bool logprobs)
    {
        bool diarize = Kind == FakeDeploymentKind.Gpt4oTranscribeDiarize;
        bool first = true;
        foreach (var segment in Segments)
        {
            foreach (var word in segment.Words)
            {
                var delta = new JsonObject { ["type"] = "transcript.text.delta", ["delta"] = first ? word.Text : " " + word.Text };
                if (diarize)
                {
                    delta["segment_id"] = segment.Id;
                }
                if (logprobs)
                {
                    delta["logprobs"] = Logprobs([word]);
                }
                first = false;
                yield return delta;
            }
            if (diarize)
            {
                var segmentEvent = SegmentEvent(segment);
                yield return segmentEvent;
            }
        }
        var done = new JsonObject { ["type"] = "transcript.text.done", ["text"] = Text, ["usage"] = TokenUsage() };
        if (logprobs)
        {
            done["logprobs"] = Logprobs(Words);
        }
        AddLanguages(done);
        yield return done;
    }

    private static JsonObject SegmentEvent(Segment s) => new()
    {
        ["type"] = "transcript.text.segment",
        ["id"] = s.Id,
        ["start"] = s.Start,
        ["end"] = s.End,
        ["speaker"] = s.Speaker,
        ["text"] = s.Text,
    };

    private JsonObject Usage() => FakeDeploymentKind.IsGpt4o(Kind)
        ? TokenUsage()
        : new JsonObject { ["type"] = "duration", ["seconds"] = (int)Math.Ceiling(Duration) };

    private JsonObject TokenUsage()
    {
        int audio = (int)Math.Round(Duration * 10);
        int text = Prompt is null ? 0 : Prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        int output = Words.Count();
        return new JsonObject
        {
            ["type"] = "tokens",
            ["input_tokens"] = audio + text,
            ["output_tokens"] = output,
            ["total_tokens"] = audio + text + output,
            ["input_token_details"] = new JsonObject { ["audio_tokens"] = audio, ["text_tokens"] = text },
        };
    }

    private static JsonArray Logprobs(IEnumerable<Word> words) => new(words.Select((w, i) => (JsonNode)new JsonObject
    {
        ["token"] = w.Text,
        ["logprob"] = -0.01 * (i + 1),
        ["bytes"] = new JsonArray(Encoding.UTF8.GetBytes(w.Text).Select(b => (JsonNode)(int)b).ToArray()),
    }).ToArray());

    private static string Stamp(double seconds, char separator)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return string.Create(Inv, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}");
    }

    internal sealed record Word(string Text, double Start, double End);

    internal sealed record Segment(int Index, string Text, IReadOnlyList<Word> Words, string Speaker)
    {
        public string Id => $"seg_{Index}";
        public double Start => Words[0].Start;
        public double End => Words[^1].End;
    }
}
