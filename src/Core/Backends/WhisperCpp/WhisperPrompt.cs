namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>
/// How the local engine honours keywords[]: whisper has no keyword list, but it conditions its decoder on an initial
/// prompt, and words in that prompt become likelier spellings. So the keywords are appended to the caller's prompt
/// as one sentence, <c>"{prompt} Keywords: AC-42, Premium Plus."</c>, within a token budget.
/// </summary>
/// <remarks>
/// whisper.cpp keeps at most n_text_ctx / 2 prompt tokens (224 for every released model) and, when there are more,
/// drops the oldest. The keyword sentence comes last, so it is never the part dropped, and it may take at most
/// <see cref="KeywordTokenBudget"/> of those tokens: the caller's prompt always keeps at least the other half (its
/// end, as whisper keeps it). Keywords are taken in the order sent while the sentence stays within the budget; the
/// first one that does not fit and every one after it are left out, so the same request always gives the same prompt.
/// </remarks>
internal static class WhisperPrompt
{
    /// <summary>whisper's prompt window (n_text_ctx / 2 of the released models).</summary>
    public const int PromptWindowTokens = 224;

    /// <summary>Most tokens the keyword sentence may take: half the window.</summary>
    public const int KeywordTokenBudget = PromptWindowTokens / 2;

    /// <summary>The sentence the keywords are written in: "Keywords: a, b, c."</summary>
    public static string KeywordSentence(IEnumerable<string> keywords) => $"Keywords: {string.Join(", ", keywords.Select(k => k.Trim()))}.";

    /// <summary>
    /// The initial prompt for <paramref name="prompt"/> and <paramref name="keywords"/> (null when both are empty) and
    /// how many keywords it holds, counting tokens with <paramref name="countTokens"/> (the model's tokenizer).
    /// </summary>
    public static (string? Text, int KeywordsKept) Build(string? prompt, IReadOnlyList<string> keywords, Func<string, int> countTokens,
        int budget = KeywordTokenBudget)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentNullException.ThrowIfNull(countTokens);
        var userPrompt = string.IsNullOrWhiteSpace(prompt) ? null : prompt.TrimEnd();
        var kept = 0;
        while (kept < keywords.Count && countTokens(KeywordSentence(keywords.Take(kept + 1))) <= budget)
        {
            kept++;
        }
        if (kept == 0)
        {
            return (userPrompt, 0);
        }
        var sentence = KeywordSentence(keywords.Take(kept));
        return (userPrompt is null ? sentence : $"{userPrompt} {sentence}", kept);
    }
}
