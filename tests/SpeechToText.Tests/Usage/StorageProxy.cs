using System.Net;
using System.Net.Sockets;

namespace SpeechToText.Tests.Usage;

/// <summary>
/// A loopback TCP relay in front of Azurite's blob port that a test can take down (connections refused, open
/// ones cut) and bring back on the same port: storage going away and returning under a running server.
/// </summary>
internal sealed class StorageProxy : IAsyncDisposable
{
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _up = new();

    public StorageProxy(int targetPort)
    {
        _target = targetPort;
        Port = Fixtures.ServerProcess.FreePort();
    }

    public int Port { get; }

    public void Up()
    {
        _up = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _up.Token);
    }

    public void Down()
    {
        _up.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var c in _open)
            {
                c.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken up)
    {
        while (!up.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(up);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var outbound = new TcpClient();
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }
            _ = RelayAsync(inbound, outbound, up);
        }
    }

    private async Task RelayAsync(TcpClient inbound, TcpClient outbound, CancellationToken up)
    {
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _target, up);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, up), b.CopyToAsync(a, up));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }
}
