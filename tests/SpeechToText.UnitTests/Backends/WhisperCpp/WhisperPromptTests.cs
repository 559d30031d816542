using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.UnitTests.Backends.WhisperCpp;

/// <summary>keywords[] in the local engine's initial prompt: the sentence, its place after the caller's prompt, and the budget.</summary>
public class WhisperPromptTests
{
    /// <summary>A stand-in tokenizer: one token per character, so budgets are easy to reason about.</summary>
    private static int Characters(string text) => text.Length;

    [Fact]
    public void Without_keywords_the_prompt_is_the_callers_own()
    {
        Assert.Equal((null, 0), WhisperPrompt.Build(null, [], Characters));
        Assert.Equal((null, 0), WhisperPrompt.Build("   ", [], Characters));
        Assert.Equal(("A support call.", 0), WhisperPrompt.Build("A support call.  ", [], Characters));
    }

    [Fact]
    public void Keywords_become_one_sentence_after_the_callers_prompt()
    {
        Assert.Equal(("Keywords: AC-42, Premium Plus.", 2), WhisperPrompt.Build(null, ["AC-42", " Premium Plus "], Characters));
        Assert.Equal(("A support call. Keywords: AC-42, Premium Plus.", 2),
            WhisperPrompt.Build("A support call.", ["AC-42", "Premium Plus"], Characters));
    }

    [Fact]
    public void Keywords_are_kept_in_order_while_the_sentence_fits_the_budget_and_the_rest_are_dropped()
    {
        // "Keywords: alpha, beta." is 22 characters; with ", gamma" it is 29.
        var (text, kept) = WhisperPrompt.Build("Intro.", ["alpha", "beta", "gamma", "d"], Characters, budget: 25);
        Assert.Equal(("Intro. Keywords: alpha, beta.", 2), (text, kept));
        // The first keyword that does not fit ends the list, even when a later one would fit: a prefix of what was sent.
        Assert.Equal(2, WhisperPrompt.Build(null, ["alpha", "beta", "gamma", "d"], Characters, budget: 28).KeywordsKept);
        // The caller's prompt does not count against the keyword budget (whisper keeps the end of the whole prompt).
        Assert.Equal(2, WhisperPrompt.Build(new string('p', 500), ["alpha", "beta"], Characters, budget: 22).KeywordsKept);
    }

    [Fact]
    public void A_first_keyword_longer_than_the_budget_leaves_the_prompt_as_it_was()
    {
        Assert.Equal(("Intro.", 0), WhisperPrompt.Build("Intro.", [new string('k', 200)], Characters, budget: 50));
        Assert.Equal((null, 0), WhisperPrompt.Build(null, [new string('k', 200)], Characters, budget: 50));
    }

    [Fact]
    public void The_budget_is_half_of_whispers_prompt_window()
    {
        Assert.Equal(224, WhisperPrompt.PromptWindowTokens);
        Assert.Equal(112, WhisperPrompt.KeywordTokenBudget);
    }

    [Fact]
    public void The_same_request_always_gives_the_same_prompt()
    {
        string[] keywords = ["Zoë", "Ángel", "AC-42", "Premium Plus", "Wellbutrin XL"];
        Assert.Equal(WhisperPrompt.Build("p", keywords, Characters, 40), WhisperPrompt.Build("p", keywords, Characters, 40));
    }
}
