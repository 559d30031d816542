using System.Text;

namespace SpeechToText.Tests.Hostile;

/// <summary>
/// A multipart/form-data body assembled from raw bytes, so part headers may hold what no well-behaved
/// client writes (NUL, CR/LF, invalid UTF-8, hundreds of headers) and the closing boundary may be left out.
/// </summary>
public sealed class MultipartBody
{
    public const string Boundary = "hostile-7d1f0c";

    private readonly MemoryStream _bytes = new();

    public static string ContentType => $"multipart/form-data; boundary={Boundary}";

    /// <summary>A part whose header block is exactly <paramref name="headers"/> (one CRLF-joined line each, as bytes).</summary>
    public MultipartBody Part(byte[] headers, byte[] body)
    {
        Write($"--{Boundary}\r\n");
        _bytes.Write(headers);
        Write("\r\n\r\n");
        _bytes.Write(body);
        Write("\r\n");
        return this;
    }

    public MultipartBody Field(string name, string value) => Field(name, Encoding.UTF8.GetBytes(value));

    public MultipartBody Field(string name, byte[] value) =>
        Part(Encoding.UTF8.GetBytes($"Content-Disposition: form-data; name=\"{name}\""), value);

    /// <summary>The file part; <paramref name="fileName"/> goes into the header byte for byte.</summary>
    public MultipartBody File(byte[] data, byte[] fileName) =>
        Part([.. "Content-Disposition: form-data; name=\"file\"; filename=\""u8, .. fileName,
            .. "\"\r\nContent-Type: application/octet-stream"u8], data);

    public MultipartBody File(byte[] data, string fileName = "audio.bin") => File(data, Encoding.UTF8.GetBytes(fileName));

    /// <summary>The body with its closing boundary (or without, to play a client that never finishes).</summary>
    public byte[] Build(bool closed = true)
    {
        var bytes = _bytes.ToArray();
        return closed ? [.. bytes, .. Encoding.ASCII.GetBytes($"--{Boundary}--\r\n")] : bytes;
    }

    /// <summary>The usual request: one file and a model.</summary>
    public static byte[] Upload(byte[] data, string fileName = "audio.bin", string model = "whisper-1") =>
        new MultipartBody().File(data, fileName).Field("model", model).Build();

    private void Write(string ascii) => _bytes.Write(Encoding.ASCII.GetBytes(ascii));
}
