using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SpeechToText.Tests.Observability;

/// <summary>One OTLP/HTTP export as received: the signal path, the content type and the protobuf body.</summary>
public sealed record OtlpExport(string Path, string? ContentType, byte[] Body)
{
    /// <summary>Protobuf writes strings (span, metric and attribute names and values) as plain UTF-8 bytes.</summary>
    public bool Mentions(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}

/// <summary>
/// A loopback HTTP endpoint that accepts OTLP/HTTP protobuf exports (/v1/traces, /v1/metrics, /v1/logs) the way a
/// collector does, answering 200 with an empty export response, and keeps every body for the test to inspect.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpExport> _exports = new();

    private OtlpCollector(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpExport> Exports => [.. _exports];

    /// <param name="port">0 for any free port; OTLP/HTTP's default 4318 to catch exports to the default endpoint.</param>
    public static async Task<OtlpCollector> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.Run(collector.HandleAsync);
        await app.StartAsync();
        collector.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return collector;
    }

    /// <summary>Waits until some export to <paramref name="path"/> mentions every one of <paramref name="names"/> (between them).</summary>
    public async Task<IReadOnlyList<OtlpExport>> WaitForAsync(string path, TimeSpan timeout, params string[] names)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exports = Exports.Where(e => e.Path == path).ToList();
            if (names.All(n => exports.Any(e => e.Mentions(n))))
            {
                return exports;
            }
            if (DateTime.UtcNow > deadline)
            {
                var missing = names.Where(n => !exports.Any(e => e.Mentions(n)));
                throw new TimeoutException($"{exports.Count} export(s) to {path} in {timeout.TotalSeconds} s; never mentioned: {string.Join(", ", missing)}");
            }
            await Task.Delay(100);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        _exports.Enqueue(new OtlpExport(context.Request.Path, context.Request.ContentType, body.ToArray()));
        // An empty Export*ServiceResponse: full success.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
