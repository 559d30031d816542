using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: the folder uploads spill to is full. A real small tmpfs is mounted as Api:TempDirectory and filled
/// up; an upload that must spill gets a 503 insufficient_storage with Retry-After (not a 400, not a 500, no
/// partial file left), and the same upload succeeds once the space is freed.
/// </summary>
/// <remarks>
/// Mounting needs root or CAP_SYS_ADMIN. Every machine of this project (developers', CI's) runs the tests as
/// root in a Debian 12 container, where it works, so a machine that cannot mount fails this test with the
/// reason instead of skipping the fault silently.
/// </remarks>
public sealed class TempDiskFullTests
{
    private const int FilesystemBytes = 1024 * 1024;

    [Fact]
    public async Task An_upload_spilling_to_a_full_temp_folder_is_a_503_with_retry_after_and_succeeds_once_space_returns()
    {
        var mount = FaultChecks.NewTempDirectory("full-tmpfs");
        Mount(mount);
        try
        {
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
            {
                ["Whisper__ModelPath"] = TestModels.Test,
                ["Audio__TempDirectory"] = mount,
                ["Api__MemoryThresholdBytes"] = "16384",
            });
            // About 110 KB: it spills, and fits only while the filler, which leaves 32 KiB free, is gone.
            var upload = File.ReadAllBytes(AudioSamples.Shared.Wav16kMonoS16);
            var filler = Path.Combine(mount, "filler.bin");
            await File.WriteAllBytesAsync(filler, new byte[FilesystemBytes - 32 * 1024]);
            long baseline = FaultChecks.RssBytes(server.ProcessId);

            for (int i = 0; i < 3; i++)
            {
                using var refused = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(upload, "speech.wav"));
                var error = await AzureCalls.ErrorAsync(refused, HttpStatusCode.ServiceUnavailable, null, "insufficient_storage");
                Assert.Equal("server_error", error.GetProperty("type").GetString());
                Assert.DoesNotContain(mount, error.GetProperty("message").GetString(), StringComparison.Ordinal);
                Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
                // Nothing but the filler: the partial upload was deleted.
                Assert.Equal([filler], FaultChecks.FilesIn(mount));
                Assert.Equal((0, 0), await FaultChecks.EngineAsync(server.Client));
            }
            Assert.Contains("Temp storage is full", server.Logs, StringComparison.Ordinal);
            Assert.Contains(mount, server.Logs, StringComparison.Ordinal);

            // Space returns: the same upload goes through, and leaves nothing behind.
            File.Delete(filler);
            using (var accepted = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(upload, "speech.wav", "whisper-1", ("response_format", "verbose_json"))))
            {
                var duration = (await AzureCalls.JsonAsync(accepted)).GetProperty("duration").GetDouble();
                Assert.InRange(duration, AudioSamples.Shared.SpeechSeconds - 0.5, AudioSamples.Shared.SpeechSeconds + 0.5);
            }
            await FaultChecks.AssertNoFilesLeftAsync(mount);
            FaultChecks.AssertRssNear(server.ProcessId, baseline, "uploads refused for a full disk");
            Assert.False(server.HasExited);
        }
        finally
        {
            AudioSamples.Run("umount", mount);
            Directory.Delete(mount);
        }
    }

    private static void Mount(string folder)
    {
        try
        {
            AudioSamples.Run("mount", "-t", "tmpfs", "-o", $"size={FilesystemBytes},mode=0700", "tmpfs", folder);
        }
        catch (InvalidOperationException e)
        {
            Directory.Delete(folder);
            Assert.Fail($"{e.Message}\nThis test mounts a small tmpfs to fill it up: it needs root or CAP_SYS_ADMIN, which this " +
                "project's machines and CI have (see the class remarks).");
        }
    }
}
