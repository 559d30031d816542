using System.Net.Sockets;
using System.Text;

namespace SpeechToText.Tests.Hostile;

/// <summary>What came back on the wire: the status line's code, the headers and the body.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// HTTP/1.1 written byte by byte over a plain socket, so a request can be anything a hostile client
/// could send: a lying Content-Length, a malformed chunked body, thousands of headers. HttpClient would
/// refuse or repair most of these before they left the machine.
/// </summary>
public static class RawHttp
{
    /// <summary>A POST with <c>Connection: close</c>, so the server ends the connection after its answer.</summary>
    public static byte[] Post(string path, string? contentType, byte[] body, long? contentLength = null,
        IEnumerable<string>? extraHeaders = null)
    {
        var head = new StringBuilder();
        head.Append("POST /").Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }
        head.Append("Content-Length: ").Append(contentLength ?? body.Length).Append("\r\n");
        foreach (var header in extraHeaders ?? [])
        {
            head.Append(header).Append("\r\n");
        }
        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads until the server closes the connection. The socket's
    /// sending side stays open (a half-close reads as an abandoned request to Kestrel), so a body shorter
    /// than its Content-Length looks exactly like a stalled upload. Throws when no status line arrives:
    /// a dropped connection is a failure, never an answer.
    /// </summary>
    public static async Task<RawResponse> SendAsync(Uri baseUrl, byte[] request, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, cts.Token);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(request, cts.Token);
        }
        catch (IOException)
        {
            // The server answered early and closed (e.g. 413 on the headers alone); its answer is still readable.
        }
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, cts.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the response (the server discarding an unread body): what arrived is the answer.
        }
        return Parse(received.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        int end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        string head = Encoding.Latin1.GetString(bytes, 0, Math.Max(end, 0));
        if (end < 0 || !head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
        {
            throw new IOException($"The server sent no HTTP response ({bytes.Length} bytes: '{Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 200)])}').");
        }
        var lines = head.Split("\r\n");
        int status = int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = bytes.AsSpan(end + 4);
        bool chunked = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        return new RawResponse(status, headers, Encoding.UTF8.GetString(chunked ? Dechunk(body) : body));
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        using var body = new MemoryStream();
        while (!chunked.IsEmpty)
        {
            int lineEnd = chunked.IndexOf("\r\n"u8);
            string sizeText = Encoding.Latin1.GetString(chunked[..lineEnd]).Split(';')[0];
            int size = Convert.ToInt32(sizeText, 16);
            if (size == 0)
            {
                break;
            }
            body.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
        return body.ToArray();
    }
}
