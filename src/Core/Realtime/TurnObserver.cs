using System.Text.Json;
using System.Threading.Channels;
using SpeechToText.Core.Routing;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// Turns a backend's partial results into the turn's delta events: the local engine's new text as it decodes, an
/// upstream's transcript.text.delta events as they arrive. Callbacks only queue (they run on the engine's thread);
/// <see cref="RelayAsync"/> sends.
/// </summary>
internal sealed class TurnObserver(string itemId) : ITranscriptionObserver
{
    private readonly Channel<string> _deltas = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Whether any delta reached the client.</summary>
    public bool SentAny { get; private set; }

    public void OnDelta(string delta)
    {
        if (delta.Length > 0)
        {
            _deltas.Writer.TryWrite(delta);
        }
    }

    public void OnUpstreamEvent(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "transcript.text.delta"
                && root.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.String)
            {
                OnDelta(delta.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Not an event of the transcription stream: nothing to relay.
        }
    }

    public void OnBackendSelected(string backend, string? fellBackFrom)
    {
    }

    public void Complete() => _deltas.Writer.TryComplete();

    public async Task RelayAsync(Func<byte[], ValueTask> send, CancellationToken cancellationToken)
    {
        await foreach (var delta in _deltas.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            SentAny = true;
            await send(RealtimeEvents.Delta(itemId, delta)).ConfigureAwait(false);
        }
    }
}
