extern alias bench;
using bench::SpeechToText.Bench.Load;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Http;
using SpeechToText.Tests.Fixtures;
using BenchReport = bench::SpeechToText.Bench.Report;

namespace SpeechToText.Tests.Bench;

/// <summary>
/// The load bench compares like with like only if whisper-server decodes as our engine does. Same model,
/// same WAV, the bench's command line for whisper-server: the transcripts must be the same.
/// </summary>
[Collection(EngineLimitsCollection.Name)]
public sealed class WhisperServerParityTests
{
    [Fact]
    public async Task Whisper_server_started_as_the_bench_starts_it_transcribes_exactly_as_our_server()
    {
        var clip = File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16);
        using var http = new HttpClient();
        var log = Path.Combine(Path.GetTempPath(), $"whisper-server-{Guid.NewGuid():N}.log");

        string theirs;
        await using (var peer = await WhisperServerProcess.StartAsync(Path.Combine(RepoPaths.Root, ".native"), TestModels.Tiny, threads: 1,
            ServerProcess.FreePort(), log, TimeSpan.FromMinutes(2)))
        {
            theirs = await new LoadDriver(http, LoadTarget.Peer(peer.BaseAddress, peer.Pid), clip, "clip.wav", TimeSpan.FromMinutes(3)).WarmUpAsync();
        }
        string ours;
        await using (var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Whisper__ModelPath"] = TestModels.Tiny,
            ["Whisper__Slots"] = "1",
            ["Whisper__ThreadsPerSlot"] = "1",
        }))
        {
            ours = await new LoadDriver(http, LoadTarget.Ours(server.BaseUrl, server.ProcessId), clip, "clip.wav", TimeSpan.FromMinutes(3)).WarmUpAsync();
        }
        File.Delete(log);

        Assert.False(string.IsNullOrWhiteSpace(ours), "an empty transcript would make the comparison vacuous");
        Assert.Equal(BenchReport.Normalize(theirs), BenchReport.Normalize(ours));
    }
}
