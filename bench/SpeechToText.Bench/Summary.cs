using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SpeechToText.Bench;

/// <summary>
/// <c>summary --dir DIR --sizes tiny,base,small [--slots FILE]</c> (bench/all.sh): the summary tables of the combined
/// report, from the .json twins the latency, load and cold-start modes write (DIR/latency-SIZE.json, load-SIZE.json,
/// coldstart-SIZE.json), never from their markdown. A missing file (a section not run, or one that failed before
/// writing) gives "-" cells, so a partial run still summarises what it measured.
/// </summary>
internal static class Summary
{
    public static int Run(string[] args)
    {
        var map = BenchOptions.ParseArgs(args);
        var dir = map.TryGetValue("dir", out var d) ? d : throw new ArgumentException("--dir is required");
        var sizes = (map.TryGetValue("sizes", out var s) ? s : "tiny").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var markdown = Render(dir, sizes, map.GetValueOrDefault("slots"));
        if (map.TryGetValue("out", out var output))
        {
            File.WriteAllText(output, markdown);
        }
        else
        {
            Console.Write(markdown);
        }
        return 0;
    }

    internal static string Render(string dir, IReadOnlyList<string> sizes, string? slotsFile)
    {
        var s = new StringBuilder();
        s.AppendLine("| size | latency ours / whisper-cli warm, WAV: pairwise median (min–max), n; ratio of medians | MP3 (cli on our decoded PCM): the same | load throughput ours / whisper-server | load p99 ours / whisper-server | load errors ours / theirs | real-time factor of ours, 60 s WAV (audio s / s) | peak RSS under load, ours / whisper-server (MiB) | cold start, first answer ours / whisper-server: pairwise median (min–max); ratio of medians |");
        s.AppendLine("|---|---|---|---:|---:|---:|---:|---|---|");
        foreach (var size in sizes)
        {
            using var latency = Load(Path.Combine(dir, $"latency-{size}.json"));
            using var load = Load(Path.Combine(dir, $"load-{size}.json"));
            using var cold = Load(Path.Combine(dir, $"coldstart-{size}.json"));
            var type = new[] { latency, load, cold }.Select(j => Str(j?.RootElement, "model_type")).FirstOrDefault(t => t is not null);
            var sizeCell = type is null || type == size ? size : $"{size} (header: {type})";

            var (wav, wavNote) = Pair(latency, "wav-60", "wav-5");
            var (mp3, mp3Note) = Pair(latency, "mp3pcm-60", "mp3pcm-5");
            string LatencyCell(JsonElement? pair, string note) => pair is not { } p
                ? "-"
                : $"{SpreadCell(p.GetProperty("pairwise"))}, n = {Int(p, "n")}; {Num(p, "ratio_of_medians")}{note}{Same(p)}";
            var rtf = wav is { } w ? Num(w, "real_time_factor", "0.00") + wavNote : "-";

            JsonElement? ours = null, peer = null;
            if (load?.RootElement.TryGetProperty("runs", out var runs) == true)
            {
                ours = runs.EnumerateArray().Where(r => Str(r, "server") == "ours").Cast<JsonElement?>().FirstOrDefault();
                peer = runs.EnumerateArray().Where(r => Str(r, "server") != "ours").Cast<JsonElement?>().FirstOrDefault();
            }
            var throughput = ours is { } o1 ? Num(o1, "throughput_ratio") : "-";
            var p99 = ours is { } o2 ? Num(o2, "p99_ratio") : "-";
            var errors = ours is null && peer is null ? "-" : $"{(ours is { } o3 ? Int(o3, "errors") : "-")} / {(peer is { } p3 ? Int(p3, "errors") : "-")}";
            var rss = ours is null && peer is null ? "-" : $"{Mib(ours)} / {Mib(peer)}";

            var coldCell = "-";
            if (cold?.RootElement is { } c && c.TryGetProperty("first_pairwise", out var firstPairwise))
            {
                coldCell = $"{SpreadCell(firstPairwise)}; {Num(c, "first_ratio_of_medians")}";
            }
            s.AppendLine($"| {sizeCell} | {LatencyCell(wav, wavNote)} | {LatencyCell(mp3, mp3Note)} | {throughput} | {p99} | {errors} | {rtf} | {rss} | {coldCell} |");
        }
        s.AppendLine();
        s.AppendLine("Latency: our HTTP end-to-end time over whisper-cli's own total minus its model load, each repetition's two runs back to back; a spread (max − min) under 0.02 resolves a 2 % difference. Load: the first layout of ours (the server's defaults) against whisper-server in the same run; throughput counts requests completed inside the window, so with few requests per window it moves in steps of one request. Real-time factor: 60 s of audio over our median end-to-end time at the latency bench's thread count (above 1 = faster than real time). \"-\": not measured (or that section failed: see it below).");
        s.AppendLine();

        if (slotsFile is not null)
        {
            using var slots = Load(slotsFile);
            s.AppendLine("### Peak RSS per engine slot (ours only)");
            s.AppendLine();
            if (slots?.RootElement.TryGetProperty("runs", out var runs) != true)
            {
                s.AppendLine("Not measured (see the slots section below).");
            }
            else
            {
                s.AppendLine($"Model: {Str(slots.RootElement, "model_type")}; {Int(slots.RootElement, "clients")} clients for {Num(slots.RootElement, "duration_seconds", "0")} s per layout; peak = VmHWM over the server's life.");
                s.AppendLine();
                s.AppendLine("| layout | peak RSS (MiB) | more than the previous layout (MiB) | ok | throughput (audio s / s) | errors |");
                s.AppendLine("|---|---:|---:|---:|---:|---:|");
                double? previous = null;
                foreach (var r in runs.EnumerateArray().Where(r => Str(r, "server") == "ours"))
                {
                    double? mib = r.TryGetProperty("peak_rss_kib", out var k) && k.ValueKind == JsonValueKind.Number ? k.GetDouble() / 1024 : null;
                    var delta = mib is { } m && previous is { } p ? (m - p).ToString("+0;-0;0", CultureInfo.InvariantCulture) : "-";
                    s.AppendLine($"| {Str(r, "layout")} | {(mib is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-")} | {delta} | {Int(r, "ok")} | {Num(r, "throughput")} | {Int(r, "errors")} |");
                    previous = mib ?? previous;
                }
            }
            s.AppendLine();
        }
        return s.ToString();
    }

    /// <summary>The VAD-off pair with the first key present; the fallback (5 s) is named in the cell.</summary>
    private static (JsonElement? Pair, string Note) Pair(JsonDocument? latency, string key, string fallback)
    {
        if (latency?.RootElement.TryGetProperty("pairs", out var pairs) != true)
        {
            return (null, "");
        }
        JsonElement? Find(string k) => pairs.EnumerateArray()
            .Where(p => Str(p, "key") == k && p.TryGetProperty("vad", out var v) && v.ValueKind == JsonValueKind.False).Cast<JsonElement?>().FirstOrDefault();
        return Find(key) is { } found ? (found, "") : Find(fallback) is { } other ? (other, " (5 s clip)") : (null, "");
    }

    /// <summary>A warning when the two sides did not produce the same transcript: then they did not do the same work.</summary>
    private static string Same(JsonElement pair) => Int(pair, "same_transcripts") is var same && same != Int(pair, "n")
        ? $" **(transcripts differ: {same}/{Int(pair, "n")} the same)**"
        : "";

    private static JsonDocument? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonDocument.Parse(File.ReadAllBytes(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SpreadCell(JsonElement spread)
    {
        var median = Num(spread, "median");
        return Int(spread, "n") == "1" || median == "-" ? median : $"{median} ({Num(spread, "min")}–{Num(spread, "max")})";
    }

    private static string Mib(JsonElement? run) =>
        run is { } r && r.TryGetProperty("peak_rss_kib", out var k) && k.ValueKind == JsonValueKind.Number
            ? (k.GetDouble() / 1024).ToString("0", CultureInfo.InvariantCulture)
            : "-";

    private static string? Str(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Num(JsonElement e, string name, string format = "0.000") =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture)
            : "-";

    private static string Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble().ToString("0", CultureInfo.InvariantCulture)
            : "-";
}
