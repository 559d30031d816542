using Microsoft.Extensions.Options;
using SpeechToText.Core.Http;

namespace SpeechToText.Server;

/// <summary>
/// Where Kestrel listens: http://127.0.0.1:8080 by default (PORT overrides the port). Without API keys
/// the server refuses to listen beyond loopback, whatever HOST says; with keys, HOST (e.g. 0.0.0.0) is honoured.
/// </summary>
internal static class ListenAddress
{
    public sealed record Binding(string Url, bool LoopbackForced);

    public static Binding Configure(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var port = int.TryParse(config["PORT"], out var p) && p is > 0 and < 65536 ? p : 8080;
        var host = config["HOST"] is { Length: > 0 } h ? h : "127.0.0.1";
        bool keys = config.GetSection($"{AuthOptions.Section}:Keys").GetChildren().Any();
        bool forced = false;
        if (!keys && !IsLoopback(host))
        {
            host = "127.0.0.1";
            forced = true;
        }
        var url = $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{port}";
        builder.WebHost.UseUrls(url);
        return new Binding(url, forced || !keys);
    }

    public static void LogStartup(WebApplication app, Binding binding)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SpeechToText.Server");
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            log.LogInformation("Listening on {Url}", binding.Url);
            if (!auth.Enabled)
            {
                log.LogWarning("No API keys configured (Auth:Keys): every call is accepted, so the server listens on loopback only.");
            }
            else
            {
                log.LogInformation("API keys required on /v1 ({Count} configured)", auth.Keys.Count);
            }
        });
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);
}
