using System.Text.Json;

namespace SpeechToText.Core.Transcription;

/// <summary>OpenAI's error envelope as JSON; the only place an error body is made (Http's ErrorResponse sends it).</summary>
public static class ErrorEnvelope
{
    public static byte[] Render(ApiException error) => TranscriptionWriter.Json(w =>
    {
        w.WriteStartObject();
        WriteErrorObject(w, error);
        w.WriteEndObject();
    });

    internal static void WriteErrorObject(Utf8JsonWriter w, ApiException e)
    {
        w.WriteStartObject("error");
        w.WriteString("message", e.Message);
        w.WriteString("type", e.Type);
        if (e.Param is null) { w.WriteNull("param"); } else { w.WriteString("param", e.Param); }
        if (e.Code is null) { w.WriteNull("code"); } else { w.WriteString("code", e.Code); }
        w.WriteEndObject();
    }
}
