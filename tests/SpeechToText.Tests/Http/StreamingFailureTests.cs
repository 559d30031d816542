using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;
using SpeechToText.Core.Models;
using SpeechToText.Core.Routing;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Audio;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Http;

/// <summary>What a stream does when its backend fails, pinned with a backend stand-in at the in-process seam.</summary>
public class StreamingFailureTests
{
    private static WebApplicationFactory<Program> HostWith(ITranscriptionBackend backend) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Whisper:ModelPath", TestModels.Test);
            b.ConfigureServices(services =>
            {
                services.RemoveAll<ITranscriptionBackend>();
                services.AddSingleton(backend);
            });
        });

    private static Mock<ITranscriptionBackend> Backend(Func<ITranscriptionObserver?, CancellationToken, Task<TranscriptionResult>> run)
    {
        var backend = new Mock<ITranscriptionBackend>();
        backend.SetupGet(b => b.Kind).Returns(BackendKind.Local);
        backend.Setup(b => b.DescribeFor(It.IsAny<ModelEntry>())).Returns("stand-in");
        backend.Setup(b => b.TranscribeAsync(It.IsAny<TranscriptionRequest>(), It.IsAny<ModelEntry>(), It.IsAny<ITranscriptionObserver?>(), It.IsAny<CancellationToken>()))
            .Returns((TranscriptionRequest _, ModelEntry _, ITranscriptionObserver? o, CancellationToken ct) => run(o, ct));
        return backend;
    }

    [Fact]
    public async Task Failure_after_the_first_delta_becomes_an_error_event_and_the_stream_ends_cleanly()
    {
        var backend = Backend(async (observer, _) =>
        {
            observer!.OnDelta(" first words");
            await Task.Delay(50);
            throw new ApiException(504, "The transcription took longer than the limit.", ApiException.ServerError, null, "timeout");
        });
        await using var host = HostWith(backend.Object);
        var response = await host.CreateClient().PostAsync("/v1/audio/transcriptions",
            Multipart.Form(AudioSamples.Shared.Wav16kMonoS16, "whisper-1", ("stream", "true")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        Assert.Contains("\"transcript.text.delta\"", events[0]);
        Assert.StartsWith("data: {\"type\":\"error\",\"error\":{", events[1]);
        Assert.Contains("\"code\":\"timeout\"", events[1]);
        Assert.Equal("data: [DONE]", events[2]);
    }

    [Fact]
    public async Task Failure_before_any_event_is_an_ordinary_error_response()
    {
        var backend = Backend((_, _) => throw ApiException.Busy("All engine slots are busy.", TimeSpan.FromSeconds(3)));
        await using var host = HostWith(backend.Object);
        var response = await host.CreateClient().PostAsync("/v1/audio/transcriptions",
            Multipart.Form(AudioSamples.Shared.Wav16kMonoS16, "whisper-1", ("stream", "true")));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Deltas_are_sent_as_they_arrive_not_at_the_end()
    {
        var release = new TaskCompletionSource();
        var backend = Backend(async (observer, ct) =>
        {
            observer!.OnDelta(" early");
            await release.Task.WaitAsync(ct);
            return new TranscriptionResult { Text = " early", Duration = 1 };
        });
        await using var host = HostWith(backend.Object);
        var client = host.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions")
        {
            Content = Multipart.Form(AudioSamples.Shared.Wav16kMonoS16, "whisper-1", ("stream", "true")),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256];
        int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"delta\":\" early\"", System.Text.Encoding.UTF8.GetString(buffer, 0, read));
        release.SetResult();
        var rest = await new StreamReader(stream).ReadToEndAsync();
        Assert.Contains("transcript.text.done", rest);
        Assert.EndsWith("data: [DONE]\n\n", rest);
    }
}
