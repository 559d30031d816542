using System.Net.Http.Headers;

namespace SpeechToText.Bench.Load;

/// <summary>
/// A server under load: where to POST, how its multipart form looks, and the process whose memory is
/// sampled. Both sides get the same WAV bytes; only the form fields differ (each server's own API).
/// </summary>
internal sealed record LoadTarget(string Name, Uri Endpoint, int Pid, IReadOnlyList<(string Name, string Value)> Fields)
{
    /// <summary>Our OpenAI-compatible endpoint: model, language and response_format as any OpenAI client sends them.</summary>
    public static LoadTarget Ours(Uri baseAddress, int pid) => new("ours", new Uri(baseAddress, "v1/audio/transcriptions"), pid,
        [("model", "whisper-1"), ("language", "en"), ("response_format", "json")]);

    /// <summary>whisper-server's /inference: the decoding parameters are its command line, the request asks for JSON.</summary>
    public static LoadTarget Peer(Uri baseAddress, int pid) => new("whisper-server", new Uri(baseAddress, "inference"), pid,
        [("response_format", "json")]);

    public HttpContent Form(byte[] clip, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(clip);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", fileName);
        foreach (var (name, value) in Fields)
        {
            form.Add(new StringContent(value), name);
        }
        return form;
    }
}
