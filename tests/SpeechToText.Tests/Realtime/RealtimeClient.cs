using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SpeechToText.Tests.Realtime;

/// <summary>A raw WebSocket client of the Realtime API: sends client events, collects every server event it receives.</summary>
public sealed class RealtimeClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _events = [];
    private int _read;

    private RealtimeClient(ClientWebSocket socket)
    {
        _socket = socket;
    }

    public ClientWebSocket Socket => _socket;

    public IReadOnlyList<JsonElement> Events => _events;

    /// <summary>Connects with the key in the Authorization header (or, <paramref name="subprotocol"/>, the browser subprotocol).</summary>
    public static async Task<RealtimeClient> ConnectAsync(Uri url, string? key, bool subprotocol = false)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (subprotocol)
        {
            socket.Options.AddSubProtocol("realtime");
            if (key is not null)
            {
                socket.Options.AddSubProtocol("openai-insecure-api-key." + key);
            }
        }
        else if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(url, timeout.Token);
        return new RealtimeClient(socket);
    }

    /// <summary>A client of a socket connected elsewhere.</summary>
    public static Task<RealtimeClient> WrapAsync(ClientWebSocket socket) => Task.FromResult(new RealtimeClient(socket));

    public Task SendAsync(object clientEvent) => SendTextAsync(JsonSerializer.Serialize(clientEvent));

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task SendBinaryAsync(byte[] data)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(data, WebSocketMessageType.Binary, true, timeout.Token);
    }

    /// <summary>Appends 16-bit PCM in pieces of <paramref name="chunkMs"/> (at <paramref name="rate"/>), as a microphone would.</summary>
    public async Task AppendPcmAsync(short[] samples, int rate = 24_000, int chunkMs = 100)
    {
        int step = rate * chunkMs / 1000;
        for (int i = 0; i < samples.Length; i += step)
        {
            var piece = samples.AsSpan(i, Math.Min(step, samples.Length - i));
            var bytes = new byte[piece.Length * 2];
            for (int j = 0; j < piece.Length; j++)
            {
                bytes[2 * j] = (byte)piece[j];
                bytes[2 * j + 1] = (byte)(piece[j] >> 8);
            }
            await AppendBytesAsync(bytes);
        }
    }

    public Task AppendBytesAsync(byte[] bytes) =>
        SendAsync(new { type = "input_audio_buffer.append", audio = Convert.ToBase64String(bytes) });

    /// <summary>The next server event not read yet, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
    {
        if (_read < _events.Count)
        {
            return _events[_read++];
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                break;
            }
        }
        using var doc = JsonDocument.Parse(message.ToArray());
        var e = doc.RootElement.Clone();
        _events.Add(e);
        _read = _events.Count;
        return e;
    }

    /// <summary>Reads events until one of <paramref name="type"/> arrives; returns it (the ones before stay in <see cref="Events"/>).</summary>
    public async Task<JsonElement> WaitForAsync(string type, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no {type} event; got: {string.Join(", ", _events.Select(Type))}");
            }
            var e = await NextAsync(left);
            if (Type(e) == type)
            {
                return e;
            }
        }
    }

    public static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        _socket.Dispose();
    }
}
