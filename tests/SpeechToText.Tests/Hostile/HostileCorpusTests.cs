using System.Diagnostics;
using System.Text.Json;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Hostile;

/// <summary>
/// Every case of <see cref="HostileCorpus"/> over real HTTP to the real server process (real ffmpeg,
/// real whisper.cpp): the right status and an OpenAI error envelope, within a bound, and afterwards a
/// clean server (alive, no slot held, no temp file, no child process, bounded memory, silent canary).
/// </summary>
[Collection(HostileServerCollection.Name)]
public class HostileCorpusTests(HostileServerFixture fixture)
{
    public static TheoryData<string> CaseNames() => [.. HostileCorpus.All.Select(c => c.Name)];

    [Fact]
    public void The_corpus_has_at_least_50_distinct_named_cases()
    {
        Assert.True(HostileCorpus.All.Count >= 50, $"{HostileCorpus.All.Count} cases");
        Assert.Equal(HostileCorpus.All.Count, HostileCorpus.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_input_gets_the_right_answer_and_leaves_the_server_clean(string name)
    {
        var hostile = HostileCorpus.Named(name);
        var request = hostile.Request(new HostileContext(AudioSamples.Shared, fixture.CanaryUrl));

        var stopwatch = Stopwatch.StartNew();
        var response = await RawHttp.SendAsync(fixture.Server.BaseUrl, request, HostileCase.AnswerBound);
        stopwatch.Stop();

        var expected = hostile.Expected;
        Assert.True(response.Status == expected.Status, $"expected {expected.Status}, got {response.Status}: {response.Body}");
        if (expected.Status == 200)
        {
            using var doc = JsonDocument.Parse(response.Body);
            Assert.True(doc.RootElement.TryGetProperty("text", out _), response.Body);
        }
        else if (expected.Envelope)
        {
            AssertEnvelope(response, expected.Code);
            if (expected.MessageContains is { } fragment)
            {
                Assert.Contains(fragment, response.Body, StringComparison.OrdinalIgnoreCase);
            }
        }
        Assert.True(stopwatch.Elapsed < HostileCase.AnswerBound, $"answered after {stopwatch.Elapsed}");
        await fixture.AssertCleanAsync();
    }

    internal static void AssertEnvelope(RawResponse response, string? code)
    {
        Assert.StartsWith("application/json", response.Headers.GetValueOrDefault("Content-Type", ""));
        using var doc = JsonDocument.Parse(response.Body);
        var error = doc.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), response.Body);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.True(error.TryGetProperty("param", out _), response.Body);
        Assert.Equal(code, error.GetProperty("code").GetString());
    }
}
