using System.ClientModel;
using System.Globalization;
using System.Text;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>
/// The multipart/form-data body sent upstream, streamed from the upload (never copied whole into memory),
/// and re-creatable for every retry since the upload is replayable. Field names are OpenAI's own.
/// </summary>
internal sealed class UpstreamMultipart : BinaryContent
{
    private readonly string _boundary = "stt-" + Guid.NewGuid().ToString("N");
    private readonly List<(string Name, string Value)> _fields = [];
    private readonly TranscriptionRequest _request;
    private readonly byte[] _head;
    private readonly byte[] _tail;

    public UpstreamMultipart(TranscriptionRequest request, string deployment, bool stream)
    {
        _request = request;
        Add("model", deployment);
        if (request.Language is not null) { Add("language", request.Language); }
        if (request.Prompt is not null) { Add("prompt", request.Prompt); }
        if (request.ResponseFormatGiven || request.ResponseFormat != ResponseFormat.Json)
        {
            Add("response_format", request.ResponseFormat.ToWire());
        }
        if (request.Temperature != 0)
        {
            Add("temperature", request.Temperature.ToString(CultureInfo.InvariantCulture));
        }
        if (request.Granularities.HasFlag(TimestampGranularity.Word)) { Add("timestamp_granularities[]", "word"); }
        if (request.Granularities.HasFlag(TimestampGranularity.Segment)) { Add("timestamp_granularities[]", "segment"); }
        if (request.IncludeLogprobs) { Add("include[]", "logprobs"); }
        if (stream) { Add("stream", "true"); }
        if (request.ChunkingStrategy is not null) { Add("chunking_strategy", request.ChunkingStrategy); }
        foreach (var n in request.KnownSpeakerNames) { Add("known_speaker_names[]", n); }
        foreach (var r in request.KnownSpeakerReferences) { Add("known_speaker_references[]", r); }
        foreach (var k in request.Keywords) { Add("keywords[]", k); }
        foreach (var l in request.Languages) { Add("languages[]", l); }

        var head = new StringBuilder();
        foreach (var (name, value) in _fields)
        {
            head.Append("--").Append(_boundary).Append("\r\n")
                .Append("Content-Disposition: form-data; name=\"").Append(name).Append("\"\r\n\r\n")
                .Append(value).Append("\r\n");
        }
        var fileName = string.IsNullOrWhiteSpace(request.File.FileName) ? "audio" : request.File.FileName.Replace("\"", "'");
        head.Append("--").Append(_boundary).Append("\r\n")
            .Append("Content-Disposition: form-data; name=\"file\"; filename=\"").Append(fileName).Append("\"\r\n")
            .Append("Content-Type: application/octet-stream\r\n\r\n");
        _head = Encoding.UTF8.GetBytes(head.ToString());
        _tail = Encoding.UTF8.GetBytes($"\r\n--{_boundary}--\r\n");
    }

    public string ContentType => $"multipart/form-data; boundary={_boundary}";

    private void Add(string name, string value) => _fields.Add((name, value));

    public override bool TryComputeLength(out long length)
    {
        length = _head.Length + _request.File.Length + _tail.Length;
        return true;
    }

    public override void WriteTo(Stream stream, CancellationToken cancellationToken = default)
    {
        stream.Write(_head);
        using (var file = _request.File.OpenRead())
        {
            file.CopyTo(stream);
        }
        stream.Write(_tail);
    }

    public override async Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        await stream.WriteAsync(_head, cancellationToken).ConfigureAwait(false);
        await using (var file = _request.File.OpenRead())
        {
            await file.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        await stream.WriteAsync(_tail, cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
    }
}
