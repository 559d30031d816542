using System.Net;
using System.Net.Sockets;

namespace SpeechToText.Bench;

/// <summary>The small command lines of the realtime and cold-start benchmarks: <c>--name value</c> pairs, and free ports.</summary>
internal sealed class BenchArgs(string[] args)
{
    public string this[string name, string? fallback = null]
    {
        get
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"{name} is required");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
