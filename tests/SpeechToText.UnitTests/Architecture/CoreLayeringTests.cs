using SpeechToText.Core.Transcription;

namespace SpeechToText.UnitTests.Architecture;

/// <summary>
/// Core reads bottom-up: each namespace uses only namespaces of its own layer or below, and no two namespaces use
/// each other, even through others. A new folder has to be given its place here.
/// </summary>
public class CoreLayeringTests
{
    /// <summary>Core's namespaces (without the "SpeechToText.Core" prefix), lowest first. Same number = same layer.</summary>
    public static readonly IReadOnlyDictionary<string, int> Layers = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["Transcription"] = 0,
        ["Configuration"] = 0,
        ["Observability"] = 1,
        ["Audio"] = 2,
        ["Models"] = 3,
        ["Storage"] = 4,
        ["Routing"] = 4,
        ["Backends.WhisperCpp"] = 5,
        ["Backends.AzureOpenAI"] = 5,
        ["Usage"] = 6,
        ["Jobs"] = 7,
        ["Realtime"] = 7,
        ["Http"] = 8,
        [""] = 9,
    };

    private static readonly Lazy<NamespaceGraph> Core = new(() =>
        NamespaceGraph.Read(typeof(TranscriptionResult).Assembly.Location, "SpeechToText.Core"));

    private static string Short(string ns) => ns == "SpeechToText.Core" ? "" : ns["SpeechToText.Core.".Length..];

    [Fact]
    public void Every_namespace_of_core_has_a_layer()
    {
        var unplaced = Core.Value.Namespaces.Where(n => n.StartsWith("SpeechToText.Core", StringComparison.Ordinal))
            .Select(Short).Where(n => !Layers.ContainsKey(n)).ToList();
        Assert.True(unplaced.Count == 0, $"namespaces without a layer: {string.Join(", ", unplaced)}");
        Assert.All(Core.Value.Namespaces, n => Assert.StartsWith("SpeechToText.Core", n));
    }

    [Fact]
    public void No_namespace_uses_one_above_it()
    {
        var violations = Violations(Core.Value, Layers);
        Assert.True(violations.Count == 0, $"dependencies pointing up:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void Core_has_no_namespace_cycle()
    {
        var cycles = Core.Value.Cycles().Select(c => string.Join(" <-> ", c.Select(Short))).ToList();
        Assert.True(cycles.Count == 0, $"namespace cycles:\n{string.Join("\n", cycles)}");
    }

    [Fact]
    public void The_reader_sees_dependencies_in_bodies_signatures_and_closures()
    {
        var edges = Core.Value.Edges;
        // A few edges known from the code, one per kind of use: a method body, a constructor parameter, a field type.
        Assert.Contains("SpeechToText.Core.Transcription", edges["SpeechToText.Core.Http"].Keys);
        Assert.Contains("SpeechToText.Core.Routing", edges["SpeechToText.Core.Http"].Keys);
        Assert.Contains("SpeechToText.Core.Transcription", edges["SpeechToText.Core.Backends.WhisperCpp"].Keys);
        Assert.DoesNotContain("SpeechToText.Core.Http", edges["SpeechToText.Core.Transcription"].Keys);
    }

    [Fact]
    public void An_upward_edge_and_a_cycle_are_reported()
    {
        var graph = new NamespaceGraph();
        graph.AddEdge("SpeechToText.Core.Transcription", "SpeechToText.Core.Http", "SpeechToText.Core.Transcription.A uses SpeechToText.Core.Http.B");
        graph.AddEdge("SpeechToText.Core.Http", "SpeechToText.Core.Transcription", "SpeechToText.Core.Http.B uses SpeechToText.Core.Transcription.A");
        graph.AddEdge("SpeechToText.Core.Audio", "SpeechToText.Core.Transcription", "fine");
        Assert.Equal(["Transcription -> Http (SpeechToText.Core.Transcription.A uses SpeechToText.Core.Http.B)"], Violations(graph, Layers));
        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal(["SpeechToText.Core.Http", "SpeechToText.Core.Transcription"], cycle);
    }

    [Fact]
    public void A_cycle_within_one_layer_is_reported()
    {
        var graph = new NamespaceGraph();
        graph.AddEdge("SpeechToText.Core.Routing", "SpeechToText.Core.Storage", "x");
        graph.AddEdge("SpeechToText.Core.Storage", "SpeechToText.Core.Models", "y");
        graph.AddEdge("SpeechToText.Core.Models", "SpeechToText.Core.Routing", "z");
        Assert.Equal(3, Assert.Single(graph.Cycles()).Count);
    }

    private static List<string> Violations(NamespaceGraph graph, IReadOnlyDictionary<string, int> layers) =>
        graph.Edges
            .SelectMany(e => e.Value.Select(to => (From: Short(e.Key), To: Short(to.Key), Example: to.Value)))
            .Where(e => layers.TryGetValue(e.From, out var from) && layers.TryGetValue(e.To, out var to) && to > from)
            .Select(e => $"{e.From} -> {e.To} ({e.Example})")
            .Order(StringComparer.Ordinal)
            .ToList();
}
