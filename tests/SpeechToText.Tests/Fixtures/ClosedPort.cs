using System.Net;
using System.Net.Sockets;

namespace SpeechToText.Tests.Fixtures;

/// <summary>
/// Loopback ports bound but never listened on, held for the whole test run: connections to them are refused at
/// once, and no other process on a busy machine can take one and answer (or hang) instead, as it could with a
/// port that was merely found free.
/// </summary>
public static class ClosedPort
{
    private static readonly List<Socket> Held = [];

    public static int Reserve()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (Held)
        {
            Held.Add(socket);
        }
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
