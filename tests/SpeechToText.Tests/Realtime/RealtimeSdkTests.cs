using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Http;
using SpeechToText.Tests.Fixtures;
using SpeechToText.Tests.Http;

namespace SpeechToText.Tests.Realtime;

/// <summary>Unmodified client libraries transcribing live audio: the Vercel AI SDK's streamTranscribe and the OpenAI Node SDK's realtime client.</summary>
[Collection(RealtimeServerCollection.Name)]
public sealed class RealtimeSdkTests(RealtimeServerFixture fixture)
{
    private static async Task<JsonElement> RunNodeAsync(string mode, Uri baseUrl, short[] pcm, string model, string key, string? extraCa = null)
    {
        var raw = Path.Combine(Path.GetTempPath(), $"stt-realtime-{Guid.NewGuid():N}.raw");
        var bytes = new byte[pcm.Length * 2];
        Buffer.BlockCopy(pcm, 0, bytes, 0, bytes.Length);
        await File.WriteAllBytesAsync(raw, bytes);
        try
        {
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "node", "realtime.mjs"));
            psi.ArgumentList.Add(mode);
            psi.ArgumentList.Add(new Uri(baseUrl, "v1").ToString());
            psi.ArgumentList.Add(raw);
            psi.ArgumentList.Add(model);
            psi.Environment["STT_TEST_KEY"] = key;
            if (extraCa is not null)
            {
                psi.Environment["NODE_EXTRA_CA_CERTS"] = extraCa;
            }
            using var node = Process.Start(psi)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(node.ExitCode == 0, await stderr);
            using var doc = JsonDocument.Parse(await stdout);
            return doc.RootElement.Clone();
        }
        finally
        {
            File.Delete(raw);
        }
    }


    [Theory]
    [InlineData("gpt-realtime-whisper")]
    [InlineData("gpt-transcribe")]
    [InlineData("gpt-live-transcribe")]
    public async Task The_vercel_ai_sdk_streams_a_transcript_with_the_models_it_streams_with(string model)
    {
        var speech = RealtimeAudio.Speech24k;
        var result = await RunNodeAsync("vercel", fixture.Server.BaseUrl, speech, model, RealtimeServerFixture.Key);
        Assert.Equal(await RealtimeAudio.FileTranscriptAsync(fixture.Server.Client, speech), result.GetProperty("text").GetString());
        Assert.NotEmpty(result.GetProperty("deltas").EnumerateArray());
        Assert.Contains("transcript-final", result.GetProperty("parts").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task The_openai_node_sdk_realtime_client_transcribes_over_tls()
    {
        // The SDK always connects with wss://: the server gets a TLS endpoint with a certificate node is told to trust.
        var folder = Path.Combine(Path.GetTempPath(), $"stt-tls-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        int http = ServerProcess.FreePort(), https = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["PORT"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{http}",
            ["Kestrel__Endpoints__Https__Url"] = $"https://127.0.0.1:{https}",
            ["Kestrel__Endpoints__Https__Certificate__Path"] = certPath,
            ["Kestrel__Endpoints__Https__Certificate__KeyPath"] = keyPath,
            ["Whisper__ModelPath"] = TestModels.Test,
            ["Auth__Keys__0__Id"] = "tls",
            ["Auth__Keys__0__Sha256"] = AuthOptions.HashKey(RealtimeServerFixture.Key),
        });
        try
        {
            server.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RealtimeServerFixture.Key);
            var speech = RealtimeAudio.Speech24k;
            var result = await RunNodeAsync("openai", new Uri($"https://127.0.0.1:{https}/"), speech, "whisper-1", RealtimeServerFixture.Key, certPath);
            Assert.Equal(await RealtimeAudio.FileTranscriptAsync(server.Client, speech), result.GetProperty("text").GetString());
            var types = result.GetProperty("types").EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.Equal("session.created", types[0]);
            Assert.Contains("session.updated", types);
            Assert.Contains("input_audio_buffer.committed", types);
            Assert.True(types.IndexOf("input_audio_buffer.committed") < types.IndexOf("conversation.item.input_audio_transcription.completed"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
