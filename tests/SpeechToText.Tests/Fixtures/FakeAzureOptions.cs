namespace SpeechToText.Tests.Fixtures;

/// <summary>The model behind an Azure OpenAI deployment, which decides what the fake accepts and answers.</summary>
public static class FakeDeploymentKind
{
    public const string Whisper = "whisper";
    public const string Gpt4oTranscribe = "gpt-4o-transcribe";
    public const string Gpt4oMiniTranscribe = "gpt-4o-mini-transcribe";
    public const string Gpt4oTranscribeDiarize = "gpt-4o-transcribe-diarize";
    public const string GptTranscribe = "gpt-transcribe";
    public const string Gpt4oMiniTranscribe20251215 = "gpt-4o-mini-transcribe-2025-12-15";

    public static IReadOnlyList<string> All { get; } =
        [Whisper, Gpt4oTranscribe, Gpt4oMiniTranscribe, Gpt4oTranscribeDiarize, GptTranscribe, Gpt4oMiniTranscribe20251215];

    /// <summary>The kinds that answer include[]=logprobs.</summary>
    public static bool HasLogprobs(string kind) => kind is Gpt4oTranscribe or Gpt4oMiniTranscribe or Gpt4oMiniTranscribe20251215;

    /// <summary>gpt-4o kinds bill tokens, can stream, and cannot translate.</summary>
    public static bool IsGpt4o(string kind) => kind != Whisper;
}

/// <summary>What the fake Azure OpenAI resource knows: its deployments and the credentials it accepts.</summary>
public sealed class FakeAzureOptions
{
    /// <summary>Deployment name (what clients send as <c>model</c>) to kind (<see cref="FakeDeploymentKind"/>).</summary>
    public Dictionary<string, string> Deployments { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The key accepted in the <c>api-key</c> header; null accepts no key.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The token accepted as <c>Authorization: Bearer</c>; null accepts no token.
    /// With neither <see cref="ApiKey"/> nor this set, requests need no credentials.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Pause between default streaming events (not before the first one).</summary>
    public TimeSpan StreamEventDelay { get; init; } = TimeSpan.Zero;

    /// <summary>The length the default answers claim the audio has.</summary>
    public double AudioSeconds { get; init; } = 4.0;

    /// <summary>api-version values the dated route accepts (Azure OpenAI's audio API versions).</summary>
    public IReadOnlySet<string> ApiVersions { get; init; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "2024-06-01", "2024-10-21", "2025-03-01-preview", "2025-04-01-preview",
    };

    /// <summary>Deployments that answer 404 DeploymentNotFound on the v1 route and work only on the dated one (seen in the field).</summary>
    public IReadOnlySet<string> DatedRouteOnly { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>One request as the fake received it.</summary>
/// <param name="RequestId">The id sent back in <c>apim-request-id</c> and <c>x-request-id</c>.</param>
/// <param name="Fields">Text form fields by name as sent (arrays keep their <c>[]</c>), values in order.</param>
/// <param name="FileBytes">The <c>file</c> part's content; empty when there was none.</param>
public sealed record RecordedRequest(
    string RequestId,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Fields,
    string? FileName,
    byte[] FileBytes,
    string? FileContentType,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The query string as sent ("?api-version=..."), empty when there was none.</summary>
    public string Query { get; init; } = "";

    /// <summary>The first value of a field, or null.</summary>
    public string? Field(string name) => Fields.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}

/// <summary>One server-sent event: <c>data: {Data}\n\n</c>, written after <paramref name="DelayBefore"/>.</summary>
public sealed record SseEvent(string Data, TimeSpan DelayBefore = default)
{
    public static SseEvent Json(object payload, TimeSpan delayBefore = default) =>
        new(System.Text.Json.JsonSerializer.Serialize(payload), delayBefore);
}

/// <summary>
/// A scripted answer that replaces the fake's default behaviour (validation included) for the next request(s).
/// Used once unless <see cref="Times"/> or <see cref="Always"/> says otherwise.
/// </summary>
public abstract record FakeResponse
{
    /// <summary>How many requests this answers; null = every request until the script is cleared.</summary>
    public int? Uses { get; init; } = 1;

    public FakeResponse Times(int count) =>
        count >= 1 ? this with { Uses = count } : throw new ArgumentOutOfRangeException(nameof(count));

    public FakeResponse Always() => this with { Uses = null };

    /// <summary>The fake's normal behaviour (useful after a <see cref="Delay"/>).</summary>
    public static FakeResponse Default() => new DefaultAnswer();

    /// <summary>A status with an Azure-shaped error body unless <paramref name="body"/> is given (JSON if it starts with '{').</summary>
    public static FakeResponse Status(int statusCode, string? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new StatusAnswer(statusCode, body, headers ?? new Dictionary<string, string>());

    /// <summary>429 with <c>Retry-After</c> in seconds, as Azure answers when a deployment's quota is exhausted.</summary>
    public static FakeResponse TooManyRequests(int retryAfterSeconds) =>
        Status(429, null, new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>Waits, then answers with <paramref name="then"/> (default behaviour when null).</summary>
    public static FakeResponse Delay(TimeSpan delay, FakeResponse? then = null) => new DelayedAnswer(delay, then ?? Default());

    /// <summary>
    /// 429 with the whole seconds left in <c>Retry-After</c> until <paramref name="until"/>, then the default
    /// behaviour: a deployment whose quota is exhausted for a while (use with <see cref="Always"/>).
    /// </summary>
    public static FakeResponse ThrottledUntil(DateTimeOffset until) => new ThrottleWindowAnswer(until);

    /// <summary>Never answers; ends only when the client gives up or the fake is disposed.</summary>
    public static FakeResponse Hang() => new HangAnswer();

    /// <summary>Aborts the connection: before any header, or after a 200 and part of a JSON body.</summary>
    public static FakeResponse DropConnection(bool afterHeaders = false) => new DropAnswer(afterHeaders);

    /// <summary>A 200 <c>text/event-stream</c> with exactly these events.</summary>
    public static FakeResponse Sse(params SseEvent[] events) => new SseAnswer(events);

    public sealed record DefaultAnswer : FakeResponse;

    public sealed record StatusAnswer(int StatusCode, string? Body, IReadOnlyDictionary<string, string> Headers) : FakeResponse;

    public sealed record DelayedAnswer(TimeSpan Wait, FakeResponse Then) : FakeResponse;

    public sealed record ThrottleWindowAnswer(DateTimeOffset Until) : FakeResponse;

    public sealed record HangAnswer : FakeResponse;

    public sealed record DropAnswer(bool AfterHeaders) : FakeResponse;

    public sealed record SseAnswer(IReadOnlyList<SseEvent> Events) : FakeResponse;
}
