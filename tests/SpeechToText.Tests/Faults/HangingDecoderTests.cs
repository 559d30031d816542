using System.Diagnostics;
using System.Globalization;
using System.Net;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Backends.AzureOpenAI;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Faults;

/// <summary>
/// Fault: the decoder hangs. Audio:FfmpegPath points at a program that, on its first run, starts a child and
/// never exits; later runs are the real ffmpeg. The request must end with the decode_timeout error within the
/// limit, the decoder and its child must be killed, the spilled upload deleted, and the next request served.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HangingDecoderTests
{
    private static readonly TimeSpan DecodeTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_hanging_ffmpeg_is_killed_at_the_decode_limit_and_the_next_request_succeeds()
    {
        var work = FaultChecks.NewTempDirectory("ffmpeg");
        var uploads = FaultChecks.NewTempDirectory("uploads");
        try
        {
            var ffmpeg = WriteHangOnceDecoder(work);
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
            {
                ["Whisper__ModelPath"] = TestModels.Test,
                ["Audio__FfmpegPath"] = ffmpeg,
                ["Audio__DecodeTimeout"] = DecodeTimeout.ToString("c", CultureInfo.InvariantCulture),
                // Every upload spills to disk, so the test can see that file go.
                ["Api__MemoryThresholdBytes"] = "1024",
                        ["Audio__TempDirectory"] = uploads,
            });
            var mp3 = File.ReadAllBytes(AudioSamples.Shared.Mp3);

            var clock = Stopwatch.StartNew();
            using (var hung = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(mp3, "speech.mp3")))
            {
                clock.Stop();
                // The decode limit is a property of the file's decode (hostile or pathological input), so a 400
                // the client should not retry as is, in OpenAI's envelope.
                var error = await AzureCalls.ErrorAsync(hung, HttpStatusCode.BadRequest, "file", "decode_timeout");
                Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            }
            Assert.True(clock.Elapsed >= DecodeTimeout - TimeSpan.FromMilliseconds(100), $"answered after {clock.Elapsed}");
            Assert.True(clock.Elapsed < DecodeTimeout + TimeSpan.FromSeconds(20), $"answered after {clock.Elapsed}");

            // The decoder and the child it started are gone (not orphaned to init), the upload is deleted, no slot is held.
            int decoderPid = ReadPid(work, "decoder.pid"), childPid = ReadPid(work, "child.pid");
            await FaultChecks.WaitUntilAsync(() => Task.FromResult(!FaultChecks.IsRunning(decoderPid) && !FaultChecks.IsRunning(childPid)),
                TimeSpan.FromSeconds(10), $"decoder {decoderPid} and its child {childPid} to be killed");
            await FaultChecks.AssertNoFilesLeftAsync(uploads);
            Assert.Equal((0, 0), await FaultChecks.EngineAsync(server.Client));

            // The same upload again goes through the real ffmpeg now and is transcribed.
            using var next = await server.Client.PostAsync("v1/audio/transcriptions", Multipart.Form(mp3, "speech.mp3", "whisper-1", ("response_format", "verbose_json")));
            var body = await AzureCalls.JsonAsync(next);
            Assert.InRange(body.GetProperty("duration").GetDouble(), AudioSamples.Shared.SpeechSeconds - 0.5, AudioSamples.Shared.SpeechSeconds + 0.5);
            await FaultChecks.AssertNoFilesLeftAsync(uploads);
            Assert.Contains("was killed after the decode limit", server.Logs, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            Directory.Delete(uploads, recursive: true);
        }
    }

    /// <summary>
    /// A stand-in decoder: the first run records its pid, starts a sleeping child (recording its pid too) and
    /// waits for it; every later run is the bundled ffmpeg with the same arguments. The server runs it with an
    /// empty environment, so every path in it is absolute.
    /// </summary>
    private static string WriteHangOnceDecoder(string folder)
    {
        var script = Path.Combine(folder, "ffmpeg");
        var marker = Path.Combine(folder, "hung-once");
        File.WriteAllText(script, $"""
            #!/bin/sh
            if [ -e '{marker}' ]; then exec '{AudioSamples.BundledFfmpeg}' "$@"; fi
            : > '{marker}'
            echo $$ > '{Path.Combine(folder, "decoder.pid")}'
            /bin/sleep 600 &
            echo $! > '{Path.Combine(folder, "child.pid")}'
            wait
            """.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private static int ReadPid(string folder, string name) =>
        int.Parse(File.ReadAllText(Path.Combine(folder, name)).Trim(), CultureInfo.InvariantCulture);
}
