using System.Collections.Frozen;

namespace SpeechToText.Core.Transcription;

/// <summary>
/// The languages Whisper knows, by ISO-639-1 code (plus the few three-letter codes whisper uses) with
/// the lower-case English names OpenAI's verbose_json reports in its "language" field.
/// </summary>
public static class WhisperLanguages
{
    private static readonly FrozenDictionary<string, string> NamesByCode = new Dictionary<string, string>
    {
        ["en"] = "english", ["zh"] = "chinese", ["de"] = "german", ["es"] = "spanish", ["ru"] = "russian",
        ["ko"] = "korean", ["fr"] = "french", ["ja"] = "japanese", ["pt"] = "portuguese", ["tr"] = "turkish",
        ["pl"] = "polish", ["ca"] = "catalan", ["nl"] = "dutch", ["ar"] = "arabic", ["sv"] = "swedish",
        ["it"] = "italian", ["id"] = "indonesian", ["hi"] = "hindi", ["fi"] = "finnish", ["vi"] = "vietnamese",
        ["he"] = "hebrew", ["uk"] = "ukrainian", ["el"] = "greek", ["ms"] = "malay", ["cs"] = "czech",
        ["ro"] = "romanian", ["da"] = "danish", ["hu"] = "hungarian", ["ta"] = "tamil", ["no"] = "norwegian",
        ["th"] = "thai", ["ur"] = "urdu", ["hr"] = "croatian", ["bg"] = "bulgarian", ["lt"] = "lithuanian",
        ["la"] = "latin", ["mi"] = "maori", ["ml"] = "malayalam", ["cy"] = "welsh", ["sk"] = "slovak",
        ["te"] = "telugu", ["fa"] = "persian", ["lv"] = "latvian", ["bn"] = "bengali", ["sr"] = "serbian",
        ["az"] = "azerbaijani", ["sl"] = "slovenian", ["kn"] = "kannada", ["et"] = "estonian", ["mk"] = "macedonian",
        ["br"] = "breton", ["eu"] = "basque", ["is"] = "icelandic", ["hy"] = "armenian", ["ne"] = "nepali",
        ["mn"] = "mongolian", ["bs"] = "bosnian", ["kk"] = "kazakh", ["sq"] = "albanian", ["sw"] = "swahili",
        ["gl"] = "galician", ["mr"] = "marathi", ["pa"] = "punjabi", ["si"] = "sinhala", ["km"] = "khmer",
        ["sn"] = "shona", ["yo"] = "yoruba", ["so"] = "somali", ["af"] = "afrikaans", ["oc"] = "occitan",
        ["ka"] = "georgian", ["be"] = "belarusian", ["tg"] = "tajik", ["sd"] = "sindhi", ["gu"] = "gujarati",
        ["am"] = "amharic", ["yi"] = "yiddish", ["lo"] = "lao", ["uz"] = "uzbek", ["fo"] = "faroese",
        ["ht"] = "haitian creole", ["ps"] = "pashto", ["tk"] = "turkmen", ["nn"] = "nynorsk", ["mt"] = "maltese",
        ["sa"] = "sanskrit", ["lb"] = "luxembourgish", ["my"] = "myanmar", ["bo"] = "tibetan", ["tl"] = "tagalog",
        ["mg"] = "malagasy", ["as"] = "assamese", ["tt"] = "tatar", ["haw"] = "hawaiian", ["ln"] = "lingala",
        ["ha"] = "hausa", ["ba"] = "bashkir", ["jw"] = "javanese", ["su"] = "sundanese", ["yue"] = "cantonese",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> CodesByName =
        NamesByCode.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.OrdinalIgnoreCase);

    public static bool IsKnownCode(string code) => NamesByCode.ContainsKey(code);

    /// <summary>"en" → "english"; unknown codes are returned unchanged (lower-cased).</summary>
    public static string FullName(string code) =>
        NamesByCode.TryGetValue(code, out var name) ? name : code.ToLowerInvariant();

    /// <summary>Accepts a code or a full name ("english") and returns the code, or null when unknown.</summary>
    public static string? NormalizeToCode(string value)
    {
        var v = value.Trim();
        if (NamesByCode.ContainsKey(v))
        {
            return v.ToLowerInvariant();
        }
        return CodesByName.TryGetValue(v, out var code) ? code : null;
    }

    /// <summary>The <c>language</c> field (a code or a full name) as a code; OpenAI's 400 on <paramref name="param"/> when unknown.</summary>
    public static string ParseLanguage(string value, string param = "language") =>
        NormalizeToCode(value) ?? throw ApiException.BadRequest(
            $"Invalid language '{ApiException.Clip(value)}'. Language parameter must be specified in ISO-639-1 format.", param);

    /// <summary>
    /// The <c>languages</c> field: each an ISO-639-1 code (two letters) whisper knows, lower-cased, repeats dropped (first
    /// one kept). Full names and whisper's three-letter codes are refused although <c>language</c> takes them: OpenAI's
    /// field is codes only.
    /// </summary>
    public static List<string> ParseLanguages(IEnumerable<string> values, string param = "languages")
    {
        var codes = new List<string>();
        foreach (var value in values)
        {
            var code = value.Trim().ToLowerInvariant();
            if (code.Length != 2 || !IsKnownCode(code))
            {
                throw ApiException.BadRequest(
                    $"Invalid language '{ApiException.Clip(value)}' in languages. Each must be an ISO-639-1 code such as 'en' or 'fr'.", param);
            }
            if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }
        return codes;
    }
}
