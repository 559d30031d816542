using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using SpeechToText.Core.Audio;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>The fields of a multipart/form-data body plus its one file part.</summary>
public sealed class MultipartForm : IAsyncDisposable
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

    public AudioUpload? File { get; internal set; }

    /// <summary>Field names as sent, with a trailing "[]" removed (OpenAI's SDKs send arrays as name[]).</summary>
    public IReadOnlyCollection<string> FieldNames => _fields.Keys;

    internal void Add(string name, string value)
    {
        if (!_fields.TryGetValue(name, out var list))
        {
            _fields[name] = list = [];
        }
        list.Add(value);
    }

    /// <summary>A single-valued field; sending it twice is a client error.</summary>
    public string? Get(string name)
    {
        if (!_fields.TryGetValue(name, out var list))
        {
            return null;
        }
        if (list.Count > 1)
        {
            throw ApiException.BadRequest($"The parameter '{name}' was sent {list.Count} times; send it once.", name, "duplicate_parameter");
        }
        return list[0];
    }

    /// <summary>An array field, sent as repeated name[] (or bare name) parts.</summary>
    public IReadOnlyList<string> GetAll(string name) => _fields.TryGetValue(name, out var list) ? list : [];

    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>Hands the upload over to the caller (so disposing the form no longer deletes it).</summary>
    public AudioUpload TakeFile()
    {
        var f = File ?? throw ApiException.MissingField("file");
        File = null;
        return f;
    }

    public ValueTask DisposeAsync() => File?.DisposeAsync() ?? ValueTask.CompletedTask;
}
