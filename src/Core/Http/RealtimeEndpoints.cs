using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SpeechToText.Core.Realtime;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// The Realtime API's transcription surface on the ASP.NET Core host: <c>GET /v1/realtime?intent=transcription</c>
/// upgraded to a WebSocket, and the client secrets a browser opens it with (<c>POST /v1/realtime/client_secrets</c>,
/// and the beta <c>POST /v1/realtime/transcription_sessions</c>). Azure Functions cannot hold a WebSocket, so only
/// src/Server maps these.
/// </summary>
public sealed class RealtimeEndpoints(RealtimeSessions sessions, RealtimeClientSecrets secrets, ApiKeyValidator keys, KeyLimiter limiter)
{
    /// <summary>Largest client-secret request body.</summary>
    private const int MaxSecretRequestBytes = 64 * 1024;

    public async Task SessionAsync(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            throw ApiException.BadRequest("This endpoint speaks WebSocket: connect to ws(s)://<host>/v1/realtime?intent=transcription.", null, "websocket_required");
        }
        var intent = ctx.Request.Query["intent"].ToString();
        if (intent != "transcription")
        {
            throw ApiException.BadRequest(
                "Only transcription sessions are served here: connect with ?intent=transcription (conversation models are not available).", "intent", "unsupported_value");
        }
        var keyId = keys.CallerId(ctx);
        var caller = (ctx.Features.Get<RealtimeCaller>() ?? new RealtimeCaller(keyId)) with { ChargeAudio = seconds => limiter.ChargeAudio(keyId, seconds) };
        // Both limits are checked before the upgrade, so a refusal is a plain 429 in OpenAI's envelope.
        using var session = sessions.Open(keyId);
        var headers = new Dictionary<string, string>();
        using var lease = limiter.Admit(keyId, headers);
        var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = ctx.WebSockets.WebSocketRequestedProtocols.Contains("realtime") ? "realtime" : null,
            KeepAliveInterval = TimeSpan.FromSeconds(20),
        }).ConfigureAwait(false);
        using (socket)
        {
            await sessions.RunAsync(socket, caller, ctx.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>POST /v1/realtime/client_secrets: <c>{expires_after: {anchor, seconds}, session: {...}}</c> → <c>{value, expires_at, session}</c>.</summary>
    public async Task ClientSecretAsync(HttpContext ctx)
    {
        using var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var root = body.RootElement;
        TimeSpan? lifetime = null;
        if (root.TryGetProperty("expires_after", out var expires) && expires.ValueKind != JsonValueKind.Null)
        {
            if (expires.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest("expires_after must be an object {anchor, seconds}.", "expires_after", "invalid_type");
            }
            if (expires.TryGetProperty("anchor", out var anchor) && anchor.ValueKind != JsonValueKind.Null && anchor.GetString() != "created_at")
            {
                throw ApiException.BadRequest("expires_after.anchor must be 'created_at'.", "expires_after.anchor", "unsupported_value");
            }
            if (expires.TryGetProperty("seconds", out var seconds) && seconds.ValueKind != JsonValueKind.Null)
            {
                lifetime = seconds.ValueKind == JsonValueKind.Number && seconds.TryGetInt32(out var s) ? TimeSpan.FromSeconds(s)
                    : throw ApiException.BadRequest("expires_after.seconds must be an integer.", "expires_after.seconds", "invalid_type");
            }
        }
        var config = Configure(root, beta: false);
        var (value, expiresAt) = secrets.Issue(keys.CallerId(ctx), lifetime, config);
        await WriteAsync(ctx, TranscriptionWriter.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("value", value);
            w.WriteNumber("expires_at", expiresAt.ToUnixTimeSeconds());
            (config ?? new RealtimeSessionConfig { Model = sessions.DefaultModel }).WriteGa(w, RealtimeIds.New("sess"), expiresAt.ToUnixTimeSeconds());
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    /// <summary>The beta POST /v1/realtime/transcription_sessions: the session object with a <c>client_secret</c> in it.</summary>
    public async Task TranscriptionSessionAsync(HttpContext ctx)
    {
        using var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var config = Configure(body.RootElement, beta: true) ?? new RealtimeSessionConfig { Model = sessions.DefaultModel };
        var (value, expiresAt) = secrets.Issue(keys.CallerId(ctx), null, config);
        // The beta answer is the session object itself, with the secret inside it.
        await WriteAsync(ctx, TranscriptionWriter.Json(w =>
        {
            w.WriteStartObject();
            config.WriteBetaFields(w, RealtimeIds.New("sess"), 0);
            w.WriteStartObject("client_secret");
            w.WriteString("value", value);
            w.WriteNumber("expires_at", expiresAt.ToUnixTimeSeconds());
            w.WriteEndObject();
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    /// <summary>The session a secret will open with, checked now so a bad one is a 400 here rather than an error event later.</summary>
    private RealtimeSessionConfig? Configure(JsonElement root, bool beta)
    {
        var session = beta ? root : root.TryGetProperty("session", out var s) && s.ValueKind != JsonValueKind.Null ? s : (JsonElement?)null;
        if (session is not { } given)
        {
            return null;
        }
        try
        {
            var initial = new RealtimeSessionConfig { Model = sessions.DefaultModel };
            var config = beta ? initial.ApplyBeta(given) : initial.Apply(given);
            sessions.CheckModel(config);
            return config;
        }
        catch (RealtimeEventException e)
        {
            throw ApiException.BadRequest(e.Message, e.Param, e.Code);
        }
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxSecretRequestBytes)
        {
            throw ApiException.PayloadTooLarge($"The request body may be at most {MaxSecretRequestBytes} bytes.", null, "request_too_large");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxSecretRequestBytes)
            {
                throw ApiException.PayloadTooLarge($"The request body may be at most {MaxSecretRequestBytes} bytes.", null, "request_too_large");
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            return JsonDocument.Parse("{}");
        }
        try
        {
            var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw ApiException.BadRequest("The request body must be a JSON object.", null, "invalid_json");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {e.Message}", null, "invalid_json");
        }
    }

    private static async Task WriteAsync(HttpContext ctx, byte[] json)
    {
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = json.Length;
        await ctx.Response.Body.WriteAsync(json, ctx.RequestAborted).ConfigureAwait(false);
    }
}
