using System.Globalization;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>
/// Enforces <see cref="KeyLimits"/> per caller id: requests per window, decoded audio seconds per window,
/// requests in progress. Windows are fixed and start with a key's first request after the previous window
/// ended. State lives in this process: with several instances (Azure Functions scales out) each enforces
/// the limits on its own share of the traffic.
/// </summary>
public sealed class KeyLimiter
{
    private readonly Dictionary<string, KeyLimits> _limits;
    private readonly KeyLimits _defaults;
    private readonly TimeSpan _requestsWindow;
    private readonly TimeSpan _audioWindow;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, KeyState> _state = new(StringComparer.Ordinal);

    public KeyLimiter(IOptions<AuthOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _defaults = o.DefaultLimits;
        _limits = o.Keys.ToDictionary(k => k.EffectiveId, k => (KeyLimits)new()
        {
            RequestsPerMinute = k.RequestsPerMinute ?? _defaults.RequestsPerMinute,
            AudioSecondsPerDay = k.AudioSecondsPerDay ?? _defaults.AudioSecondsPerDay,
            MaxConcurrentRequests = k.MaxConcurrentRequests ?? _defaults.MaxConcurrentRequests,
        }, StringComparer.Ordinal);
        _requestsWindow = o.RequestsWindow;
        _audioWindow = o.AudioSecondsWindow;
        _time = time;
    }

    private sealed class KeyState
    {
        public int InFlight;
        public DateTimeOffset RequestsWindowEnd;
        public int Requests;
        public DateTimeOffset AudioWindowEnd;
        public double AudioSeconds;
    }

    /// <summary>
    /// Admits one request of <paramref name="keyId"/> or throws the 429 (with Retry-After and OpenAI's
    /// x-ratelimit-*-requests headers). A refused request counts toward nothing. Dispose the lease when the
    /// request ends; <paramref name="headers"/> receives the x-ratelimit headers of an admitted request.
    /// </summary>
    public IDisposable Admit(string keyId, IDictionary<string, string> headers)
    {
        var limits = _limits.GetValueOrDefault(keyId, _defaults);
        var now = _time.GetUtcNow();
        lock (_state)
        {
            var s = State(keyId);
            if (now >= s.RequestsWindowEnd)
            {
                s.Requests = 0;
                s.RequestsWindowEnd = now + _requestsWindow;
            }
            if (now >= s.AudioWindowEnd)
            {
                s.AudioSeconds = 0;
                s.AudioWindowEnd = now + _audioWindow;
            }
            if (limits.AudioSecondsPerDay is { } budget && s.AudioSeconds >= budget)
            {
                throw Refused($"Audio quota reached: {s.AudioSeconds:0.#} of {budget:0.#} s of audio used for key '{keyId}' in this period.",
                    "audio_quota_exceeded", s.AudioWindowEnd - now, []);
            }
            if (limits.RequestsPerMinute is { } rpm && s.Requests >= rpm)
            {
                throw Refused($"Rate limit reached: {rpm} requests per {Describe(_requestsWindow)} for key '{keyId}'.",
                    "rate_limit_exceeded", s.RequestsWindowEnd - now, RequestHeaders(rpm, 0, s.RequestsWindowEnd - now));
            }
            if (limits.MaxConcurrentRequests is { } max && s.InFlight >= max)
            {
                throw Refused($"Too many concurrent requests: key '{keyId}' may have {max} in progress at once.",
                    "concurrent_requests_exceeded", TimeSpan.FromSeconds(1), []);
            }
            s.Requests++;
            s.InFlight++;
            if (limits.RequestsPerMinute is { } limit)
            {
                foreach (var (name, value) in RequestHeaders(limit, limit - s.Requests, s.RequestsWindowEnd - now))
                {
                    headers[name] = value;
                }
            }
            return new Lease(this, s);
        }
    }

    /// <summary>Counts decoded audio against the key's budget, after the fact (it is only known once decoded).</summary>
    public void ChargeAudio(string keyId, double seconds)
    {
        if (seconds <= 0)
        {
            return;
        }
        lock (_state)
        {
            State(keyId).AudioSeconds += seconds;
        }
    }

    private KeyState State(string keyId)
    {
        if (!_state.TryGetValue(keyId, out var s))
        {
            // Bounded: ids are the configured keys (plus the anonymous caller); unauthenticated calls never get here.
            s = new KeyState();
            _state[keyId] = s;
        }
        return s;
    }

    private void Release(KeyState s)
    {
        lock (_state)
        {
            s.InFlight--;
        }
    }

    private sealed class Lease(KeyLimiter limiter, KeyState state) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limiter.Release(state);
            }
        }
    }

    private static ApiException Refused(string message, string code, TimeSpan retryAfter, Dictionary<string, string> headers) =>
        ApiException.RateLimited(message, code, retryAfter, headers);

    private static Dictionary<string, string> RequestHeaders(int limit, int remaining, TimeSpan reset) => new()
    {
        ["x-ratelimit-limit-requests"] = limit.ToString(CultureInfo.InvariantCulture),
        ["x-ratelimit-remaining-requests"] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture),
        ["x-ratelimit-reset-requests"] = Describe(reset),
    };

    /// <summary>A duration the way OpenAI writes it in x-ratelimit-reset-*: "120ms", "7s", "6m0s", "1h2m3s".</summary>
    internal static string Describe(TimeSpan t)
    {
        if (t < TimeSpan.FromSeconds(1))
        {
            return FormattableString.Invariant($"{Math.Max(0, (int)Math.Ceiling(t.TotalMilliseconds))}ms");
        }
        int seconds = (int)Math.Ceiling(t.TotalSeconds);
        return seconds switch
        {
            < 60 => FormattableString.Invariant($"{seconds}s"),
            < 3600 => FormattableString.Invariant($"{seconds / 60}m{seconds % 60}s"),
            _ => FormattableString.Invariant($"{seconds / 3600}h{seconds % 3600 / 60}m{seconds % 60}s"),
        };
    }
}
