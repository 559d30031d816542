using System.Collections.Frozen;

namespace SpeechToText.Core.Transcription;

public static class ResponseFormats
{
    public static string ToWire(this ResponseFormat f) => f switch
    {
        ResponseFormat.Json => "json",
        ResponseFormat.Text => "text",
        ResponseFormat.Srt => "srt",
        ResponseFormat.Vtt => "vtt",
        ResponseFormat.VerboseJson => "verbose_json",
        ResponseFormat.DiarizedJson => "diarized_json",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    public static bool TryParse(string value, out ResponseFormat format)
    {
        foreach (var f in Enum.GetValues<ResponseFormat>())
        {
            if (string.Equals(f.ToWire(), value, StringComparison.Ordinal))
            {
                format = f;
                return true;
            }
        }
        format = default;
        return false;
    }
}
