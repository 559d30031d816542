using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SpeechToText.Core.Transcription;

/// <summary>
/// The one set of writers that turns a <see cref="TranscriptionResult"/> into OpenAI's wire formats:
/// json, text, srt, vtt, verbose_json, diarized_json, and the Server-Sent Events of stream=true.
/// Pure functions over the result, so each format is pinned by golden tests.
/// </summary>
public static class TranscriptionWriter
{
    internal static readonly JsonWriterOptions JsonOptions = new()
    {
        // Text stays readable UTF-8 (no \uXXXX for accents); still escapes what JSON requires.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ContentType(ResponseFormat format) => format switch
    {
        // OpenAI answers text, srt and vtt as text/plain; the official SDKs rely on it (the .NET SDK
        // parses anything else as JSON).
        ResponseFormat.Text or ResponseFormat.Srt or ResponseFormat.Vtt => "text/plain; charset=utf-8",
        _ => "application/json",
    };

    /// <summary>Renders the whole response body for a non-streamed call.</summary>
    public static byte[] Render(TranscriptionResult result, ResponseFormat format, TranscriptionRequest? request = null) =>
        result.Raw is { } raw && raw.Format == format.ToWire() ? raw.Bytes : RenderOwn(result, format, request);

    /// <summary>verbose_json with segments and words chosen directly, for callers without a request (a job's output files).</summary>
    public static byte[] VerboseJson(TranscriptionResult result, bool segments, bool words) =>
        Json(w => WriteVerboseJson(w, result, segments, words));

    private static byte[] RenderOwn(TranscriptionResult result, ResponseFormat format, TranscriptionRequest? request) => format switch
    {
        ResponseFormat.Json => Json(w => WriteJsonBody(w, result, request?.IncludeLogprobs == true)),
        ResponseFormat.Text => Encoding.UTF8.GetBytes(result.Text.Trim() + "\n"),
        ResponseFormat.Srt => Encoding.UTF8.GetBytes(Srt(result)),
        ResponseFormat.Vtt => Encoding.UTF8.GetBytes(Vtt(result)),
        ResponseFormat.VerboseJson => Json(w => WriteVerboseJson(w, result,
            request?.WantsSegments ?? true, request?.WantsWords ?? false)),
        ResponseFormat.DiarizedJson => Json(w => WriteDiarizedJson(w, result)),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string Srt(TranscriptionResult result)
    {
        var sb = new StringBuilder();
        int n = 1;
        foreach (var s in result.Segments)
        {
            sb.Append(n++).Append('\n')
              .Append(Timestamp(s.Start, ',')).Append(" --> ").Append(Timestamp(s.End, ',')).Append('\n')
              .Append(s.Text.Trim()).Append("\n\n");
        }
        return sb.ToString();
    }

    public static string Vtt(TranscriptionResult result)
    {
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var s in result.Segments)
        {
            sb.Append(Timestamp(s.Start, '.')).Append(" --> ").Append(Timestamp(s.End, '.')).Append('\n')
              .Append(s.Text.Trim()).Append("\n\n");
        }
        return sb.ToString();
    }

    /// <summary>HH:MM:SS,mmm (srt) or HH:MM:SS.mmm (vtt).</summary>
    public static string Timestamp(double seconds, char msSeparator)
    {
        long ms = (long)Math.Round(Math.Max(0, seconds) * 1000, MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture,
            $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}{msSeparator}{ms % 1000:000}");
    }

    private static void WriteJsonBody(Utf8JsonWriter w, TranscriptionResult r, bool logprobs)
    {
        w.WriteStartObject();
        w.WriteString("text", r.Text.Trim());
        if (logprobs && r.Logprobs is not null)
        {
            WriteLogprobs(w, r.Logprobs);
        }
        WriteLanguages(w, r);
        WriteUsage(w, r);
        w.WriteEndObject();
    }

    /// <summary>"languages": [{"code": "en"}], only when the result has detected languages to report.</summary>
    private static void WriteLanguages(Utf8JsonWriter w, TranscriptionResult r)
    {
        if (r.Languages is null)
        {
            return;
        }
        w.WriteStartArray("languages");
        foreach (var code in r.Languages)
        {
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteVerboseJson(Utf8JsonWriter w, TranscriptionResult r, bool segments, bool words)
    {
        w.WriteStartObject();
        w.WriteString("task", r.Task == TranscriptionTask.Translate ? "translate" : "transcribe");
        w.WriteString("language", r.Task == TranscriptionTask.Translate ? "english" : WhisperLanguages.FullName(r.Language ?? "en"));
        WriteNumber(w, "duration", r.Duration);
        w.WriteString("text", r.Text.Trim());
        if (segments)
        {
            w.WriteStartArray("segments");
            foreach (var s in r.Segments)
            {
                w.WriteStartObject();
                w.WriteNumber("id", s.Id);
                w.WriteNumber("seek", s.Seek);
                WriteNumber(w, "start", s.Start);
                WriteNumber(w, "end", s.End);
                w.WriteString("text", s.Text);
                w.WriteStartArray("tokens");
                foreach (var t in s.Tokens)
                {
                    w.WriteNumberValue(t);
                }
                w.WriteEndArray();
                WriteNumber(w, "temperature", s.Temperature);
                WriteNumber(w, "avg_logprob", s.AvgLogprob);
                WriteNumber(w, "compression_ratio", s.CompressionRatio);
                WriteNumber(w, "no_speech_prob", s.NoSpeechProb);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (words)
        {
            w.WriteStartArray("words");
            foreach (var word in r.Words)
            {
                w.WriteStartObject();
                w.WriteString("word", word.Word);
                WriteNumber(w, "start", word.Start);
                WriteNumber(w, "end", word.End);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        WriteUsage(w, r);
        w.WriteEndObject();
    }

    private static void WriteDiarizedJson(Utf8JsonWriter w, TranscriptionResult r)
    {
        w.WriteStartObject();
        w.WriteString("task", "transcribe");
        WriteNumber(w, "duration", r.Duration);
        w.WriteString("text", r.Text.Trim());
        w.WriteStartArray("segments");
        foreach (var s in r.Segments)
        {
            WriteDiarizedSegment(w, s);
        }
        w.WriteEndArray();
        WriteUsage(w, r);
        w.WriteEndObject();
    }

    private static void WriteDiarizedSegment(Utf8JsonWriter w, TranscriptSegment s)
    {
        w.WriteStartObject();
        w.WriteString("type", "transcript.text.segment");
        w.WriteString("id", $"seg_{s.Id}");
        WriteNumber(w, "start", s.Start);
        WriteNumber(w, "end", s.End);
        w.WriteString("speaker", s.Speaker ?? "A");
        w.WriteString("text", s.Text.Trim());
        w.WriteEndObject();
    }

    internal static void WriteLogprobs(Utf8JsonWriter w, IReadOnlyList<TokenLogprob> logprobs)
    {
        w.WriteStartArray("logprobs");
        foreach (var lp in logprobs)
        {
            w.WriteStartObject();
            w.WriteString("token", lp.Token);
            WriteNumber(w, "logprob", lp.Logprob);
            w.WriteStartArray("bytes");
            foreach (var b in lp.Bytes)
            {
                w.WriteNumberValue(b);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Whisper models bill whole seconds (rounded up); gpt-4o models bill tokens.</summary>
    internal static void WriteUsage(Utf8JsonWriter w, TranscriptionResult r)
    {
        var usage = r.Usage ?? new DurationUsage(r.Duration);
        w.WriteStartObject("usage");
        switch (usage)
        {
            case DurationUsage d:
                w.WriteString("type", "duration");
                w.WriteNumber("seconds", (long)Math.Ceiling(Math.Round(d.Seconds, 3)));
                break;
            case TokenUsage t:
                w.WriteString("type", "tokens");
                w.WriteNumber("input_tokens", t.InputTokens);
                w.WriteNumber("output_tokens", t.OutputTokens);
                w.WriteNumber("total_tokens", t.TotalTokens);
                w.WriteStartObject("input_token_details");
                w.WriteNumber("audio_tokens", t.AudioTokens);
                w.WriteNumber("text_tokens", t.TextTokens);
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// Numbers as OpenAI's Python service prints floats: always with a decimal point (0.0, 2.5), times
    /// rounded to the millisecond so float noise (2.4999999) never reaches the wire.
    /// </summary>
    internal static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(FormatFloat(value), skipInputValidation: true);
    }

    internal static string FormatFloat(double value)
    {
        if (!double.IsFinite(value))
        {
            return "0.0";
        }
        var rounded = Math.Round(value, 6);
        var s = rounded.ToString("0.0#####", CultureInfo.InvariantCulture);
        return s == "-0.0" ? "0.0" : s;
    }

    // ----- Server-Sent Events (stream=true) -----

    public static byte[] DeltaEvent(string delta) => Event(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "transcript.text.delta");
        w.WriteString("delta", delta);
        w.WriteEndObject();
    });

    /// <summary>The final event; carries the whole text's logprobs when the request asked for them (include[]=logprobs), and the detected languages when the result has them.</summary>
    public static byte[] DoneEvent(TranscriptionResult r, bool includeLogprobs = false) => Event(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "transcript.text.done");
        w.WriteString("text", r.Text.Trim());
        if (includeLogprobs && r.Logprobs is not null)
        {
            WriteLogprobs(w, r.Logprobs);
        }
        WriteLanguages(w, r);
        WriteUsage(w, r);
        w.WriteEndObject();
    });

    public static byte[] ErrorEvent(ApiException e) => Event(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        ErrorEnvelope.WriteErrorObject(w, e);
        w.WriteEndObject();
    });

    /// <summary>An upstream's event JSON, relayed as it came.</summary>
    public static byte[] RawEvent(string json) =>
        System.Text.Encoding.UTF8.GetBytes($"data: {json.Replace("\n", "\ndata: ", StringComparison.Ordinal)}\n\n");

    public static readonly byte[] DoneSentinel = "data: [DONE]\n\n"u8.ToArray();

    private static byte[] Event(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(w);
        }
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    internal static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(w);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
