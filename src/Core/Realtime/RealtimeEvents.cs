using System.Text.Json;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Realtime;

/// <summary>
/// The server events of a transcription session, as UTF-8 JSON text frames. Every event has an <c>event_id</c>; the
/// names and fields are the Realtime API's (GA), with the beta session object where the client spoke beta.
/// </summary>
public static class RealtimeEvents
{
    public const string ItemPrefix = "item";

    public static byte[] SessionCreated(RealtimeSessionConfig config, string sessionId, long expiresAt) =>
        Event("session.created", w => config.WriteGa(w, sessionId, expiresAt));

    public static byte[] SessionUpdated(RealtimeSessionConfig config, string sessionId, long expiresAt, bool beta) => beta
        ? Event("transcription_session.updated", w => config.WriteBeta(w, sessionId, expiresAt))
        : Event("session.updated", w => config.WriteGa(w, sessionId, expiresAt));

    public static byte[] SpeechStarted(string itemId, long audioStartMs) => Event("input_audio_buffer.speech_started", w =>
    {
        w.WriteNumber("audio_start_ms", audioStartMs);
        w.WriteString("item_id", itemId);
    });

    public static byte[] SpeechStopped(string itemId, long audioEndMs) => Event("input_audio_buffer.speech_stopped", w =>
    {
        w.WriteNumber("audio_end_ms", audioEndMs);
        w.WriteString("item_id", itemId);
    });

    public static byte[] Committed(string itemId, string? previousItemId) => Event("input_audio_buffer.committed", w =>
    {
        if (previousItemId is null) { w.WriteNull("previous_item_id"); } else { w.WriteString("previous_item_id", previousItemId); }
        w.WriteString("item_id", itemId);
    });

    public static byte[] Cleared() => Event("input_audio_buffer.cleared", _ => { });

    public static byte[] TimeoutTriggered(string itemId, long audioStartMs, long audioEndMs) => Event("input_audio_buffer.timeout_triggered", w =>
    {
        w.WriteNumber("audio_start_ms", audioStartMs);
        w.WriteNumber("audio_end_ms", audioEndMs);
        w.WriteString("item_id", itemId);
    });

    public static byte[] Delta(string itemId, string delta) => Event("conversation.item.input_audio_transcription.delta", w =>
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("content_index", 0);
        w.WriteString("delta", delta);
    });

    public static byte[] Completed(string itemId, TranscriptionResult result, bool includeLogprobs) =>
        Event("conversation.item.input_audio_transcription.completed", w =>
        {
            w.WriteString("item_id", itemId);
            w.WriteNumber("content_index", 0);
            w.WriteString("transcript", result.Text);
            if (includeLogprobs && result.Logprobs is { } logprobs)
            {
                TranscriptionWriter.WriteLogprobs(w, logprobs);
            }
            TranscriptionWriter.WriteUsage(w, result);
        });

    public static byte[] Failed(string itemId, ApiException error) => Event("conversation.item.input_audio_transcription.failed", w =>
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("content_index", 0);
        w.WriteStartObject("error");
        w.WriteString("type", error.Type);
        WriteNullable(w, "code", error.Code);
        w.WriteString("message", error.Message);
        WriteNullable(w, "param", error.Param);
        w.WriteEndObject();
    });

    /// <summary>A client event the session could not take; <paramref name="clientEventId"/> names it when it had one.</summary>
    public static byte[] Error(string type, string? code, string message, string? param, string? clientEventId) => Event("error", w =>
    {
        w.WriteStartObject("error");
        w.WriteString("type", type);
        WriteNullable(w, "code", code);
        w.WriteString("message", message);
        WriteNullable(w, "param", param);
        WriteNullable(w, "event_id", clientEventId);
        w.WriteEndObject();
    });

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) { w.WriteNull(name); } else { w.WriteString(name, value); }
    }

    private static byte[] Event(string type, Action<Utf8JsonWriter> body) => TranscriptionWriter.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("event_id", RealtimeIds.New("event"));
        body(w);
        w.WriteEndObject();
    });
}
