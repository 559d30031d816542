using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpeechToText.Bench;

/// <summary>
/// The machine-readable twin of a markdown report: <c>X.json</c> next to <c>X.md</c>, snake_case, NaN written as null.
/// bench/all.sh builds its summary from these files (the <c>summary</c> mode), never by reading the markdown.
/// </summary>
internal static class BenchJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>The path of the JSON twin of a report: its extension replaced by .json.</summary>
    public static string PathFor(string markdownPath) => Path.ChangeExtension(markdownPath, ".json");

    public static void Write<T>(string markdownPath, T value) =>
        File.WriteAllText(PathFor(markdownPath), JsonSerializer.Serialize(value, Options) + "\n");

    /// <summary>A finite number, or null (JSON has no NaN).</summary>
    public static double? Num(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;
}

/// <summary>Median, minimum and maximum of a handful of samples: the spread a report shows beside a median.</summary>
internal sealed record Spread(double? Median, double? Min, double? Max, int N)
{
    public static Spread Of(IReadOnlyCollection<double> values) =>
        new(BenchJson.Num(Stats.Median(values)), BenchJson.Num(Stats.Min(values)), BenchJson.Num(values.Count == 0 ? double.NaN : values.Max()), values.Count);

    /// <summary>"1.012 (0.998–1.031)", or "-" without samples.</summary>
    public string Render(string format = "0.000") => Median is not { } m
        ? "-"
        : N == 1 ? m.ToString(format, System.Globalization.CultureInfo.InvariantCulture)
        : $"{m.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ({Min!.Value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}–{Max!.Value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)})";
}
