using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SpeechToText.Tests.Hostile;

/// <summary>How one input was answered ("200", "400 invalid_file_format", ...) and, if it broke an invariant, why.</summary>
public sealed record FuzzOutcome(string Outcome, string? Failure = null);

/// <summary>
/// Runs <c>count</c> inputs of a <see cref="MutationFuzzer"/> through a target a few at a time, counting
/// outcomes, collecting invariant failures (with the input's recipe, and its bytes when
/// STT_FUZZ_FAILURES names a folder) and sampling a process's memory throughout.
/// </summary>
public sealed class FuzzCampaign(string target, MutationFuzzer fuzzer, int seed, Func<long> rssBytes)
{
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentQueue<string> _failures = new();

    public IReadOnlyCollection<string> Failures => _failures;

    public long MaxRssBytes { get; private set; }

    public int Answered => _outcomes.Values.Sum();

    public string Summary { get; private set; } = "";

    public async Task RunAsync(int count, int concurrency, Func<FuzzInput, Task<FuzzOutcome>> send)
    {
        MaxRssBytes = rssBytes();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleRssAsync(sampling.Token);
        var stopwatch = Stopwatch.StartNew();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < count;)
            {
                var input = fuzzer.Create(i);
                var outcome = await send(input);
                _outcomes.AddOrUpdate(outcome.Outcome, 1, (_, n) => n + 1);
                if (outcome.Failure is not null)
                {
                    _failures.Enqueue($"#{input.Index} {input.Seed}: {input.Mutations} -> {outcome.Failure}{Save(input)}");
                }
            }
        })));
        stopwatch.Stop();
        await sampling.CancelAsync();
        await sampler;
        Summary = Describe(count, stopwatch.Elapsed);
        if (Environment.GetEnvironmentVariable("STT_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, Summary);
        }
    }

    private async Task SampleRssAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            MaxRssBytes = Math.Max(MaxRssBytes, rssBytes());
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private string Save(FuzzInput input)
    {
        if (Environment.GetEnvironmentVariable("STT_FUZZ_FAILURES") is not { Length: > 0 } folder)
        {
            return "";
        }
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"seed{seed}-input{input.Index}-{input.Seed}.bin");
        File.WriteAllBytes(path, input.Bytes);
        return $" (saved to {path})";
    }

    private string Describe(int count, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"fuzz {target}: {count} inputs, seed {seed}, {elapsed.TotalSeconds:0.0} s, {count / elapsed.TotalSeconds:0.0} inputs/s, " +
            $"max RSS {MaxRssBytes / (1024.0 * 1024):0} MB, {_failures.Count} failures");
        foreach (var (outcome, n) in _outcomes.OrderByDescending(o => o.Value))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {n,6}  {outcome}");
        }
        foreach (var failure in _failures.Take(50))
        {
            text.AppendLine("  FAILED " + failure);
        }
        return text.ToString();
    }
}
