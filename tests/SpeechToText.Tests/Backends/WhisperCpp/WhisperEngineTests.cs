using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Transcription;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Backends.WhisperCpp;

/// <summary>The engine end to end on the real whisper.cpp library with generated models and signals.</summary>
[Collection(WhisperNativeCollection.Name)]
public sealed class WhisperEngineTests(SyntheticModels models)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Transcribes_generated_audio_into_a_structurally_valid_result()
    {
        using var engine = CreateEngine(models.English);
        var audio = TestAudio.ToneWithNoise(3);

        var result = await engine.TranscribeAsync(audio, new WhisperDecodeOptions(), null, CancellationToken.None);

        Assert.Equal(3.0, result.Duration, 3);
        Assert.Equal(new DurationUsage(3.0), result.Usage);
        Assert.Equal("en", result.Language);
        Assert.Equal(TranscriptionTask.Transcribe, result.Task);
        Assert.NotEmpty(result.Segments);
        Assert.Equal(string.Concat(result.Segments.Select(s => s.Text)).Trim(), result.Text);
        var previousEnd = 0.0;
        for (var i = 0; i < result.Segments.Count; i++)
        {
            var segment = result.Segments[i];
            Assert.Equal(i, segment.Id);
            Assert.InRange(segment.Start, previousEnd, result.Duration);
            Assert.InRange(segment.End, segment.Start, result.Duration);
            Assert.Equal((int)Math.Round(segment.Start * 100), segment.Seek);
            Assert.All(segment.Tokens, t => Assert.InRange(t, 0, 50255)); // text tokens only, no specials
            Assert.InRange(segment.Temperature, 0, 1);
            Assert.InRange(segment.NoSpeechProb, 0, 1);
            Assert.True(segment.AvgLogprob <= 0);
            Assert.Empty(segment.Words);
            previousEnd = segment.End;
        }
        Assert.Contains(result.Segments, s => s.Tokens.Count > 0 && s.CompressionRatio > 0);
        // Random weights give log-probs far below whisper's -1 threshold, so windows fall back to
        // higher temperatures; the segment must report the one that produced it, not the first.
        Assert.Contains(result.Segments, s => s.Temperature > 0);
        Assert.Equal(0, engine.Status.SlotsBusy);
    }

    [Fact]
    public async Task The_same_audio_gives_the_same_transcript_on_a_reused_slot_after_fallbacks()
    {
        // whisper.cpp seeds its sampling generator only when a state is created; fallback temperatures
        // draw from it, so a reused state would make the next identical request decode other tokens.
        using var engine = CreateEngine(models.English, o => o.Slots = 1);
        var audio = TestAudio.ToneWithNoise(3);

        var first = await engine.TranscribeAsync(audio, new WhisperDecodeOptions(), null, CancellationToken.None);
        var second = await engine.TranscribeAsync(audio, new WhisperDecodeOptions(), null, CancellationToken.None);

        Assert.Contains(first.Segments, s => s.Temperature > 0);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Segments.SelectMany(s => s.Tokens), second.Segments.SelectMany(s => s.Tokens));
        Assert.NotNull(first.Timings);
        Assert.True(first.Timings.InferenceMilliseconds > 0);
    }

    [Fact]
    public async Task Word_timestamps_lie_inside_their_segments()
    {
        using var engine = CreateEngine(models.English);

        var result = await engine.TranscribeAsync(TestAudio.ToneWithNoise(3), new WhisperDecodeOptions { WordTimestamps = true },
            null, CancellationToken.None);

        var words = result.Words.ToList();
        Assert.NotEmpty(words);
        foreach (var segment in result.Segments)
        {
            foreach (var word in segment.Words)
            {
                Assert.False(string.IsNullOrWhiteSpace(word.Word));
                Assert.Equal(word.Word.Trim(), word.Word);
                Assert.InRange(word.Start, segment.Start, segment.End);
                Assert.InRange(word.End, word.Start, segment.End);
                Assert.InRange(word.Probability, 0f, 1f);
            }
            // Words are whole BPE runs: their letters are exactly the segment's letters.
            Assert.Equal(segment.Text.Replace(" ", ""), string.Concat(segment.Words.Select(w => w.Word)));
        }
    }

    [Fact]
    public async Task Segments_are_reported_while_whisper_is_still_running()
    {
        using var engine = CreateEngine(models.English);
        using var inCallback = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var reported = new List<TranscriptSegment>();

        var task = engine.TranscribeAsync(TestAudio.ToneWithNoise(3), new WhisperDecodeOptions(), segment =>
        {
            reported.Add(segment);
            inCallback.Set();
            release.Wait(Patience); // hold the native call inside its callback
        }, CancellationToken.None);

        Assert.True(inCallback.Wait(Patience), "no segment was reported");
        Assert.False(task.IsCompleted);
        release.Set();
        var result = await task.WaitAsync(Patience);
        Assert.Equal(result.Segments, reported);
    }

    [Fact]
    public async Task Cancellation_aborts_the_native_work_quickly_and_frees_the_slot()
    {
        using var engine = CreateEngine(models.English, o => o.Slots = 1);
        using var cts = new CancellationTokenSource();

        var task = StartLongRun(engine, cts.Token);
        Assert.Equal(1, engine.Status.SlotsBusy);

        var cancelledAt = Stopwatch.StartNew();
        cts.Cancel();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Patience));

        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.True(cancelledAt.Elapsed < TimeSpan.FromSeconds(5), $"abort took {cancelledAt.Elapsed}");
        Assert.Equal(0, engine.Status.SlotsBusy);
        // The slot (and its whisper_state) is usable again.
        var next = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, CancellationToken.None);
        Assert.Equal(2.0, next.Duration, 3);
    }

    [Fact]
    public async Task Request_timeout_aborts_the_run_with_a_504()
    {
        using var engine = CreateEngine(models.English, o => o.RequestTimeout = TimeSpan.FromMilliseconds(700));

        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ApiException>(() => engine.TranscribeAsync(TestAudio.ToneWithNoise(600),
            new WhisperDecodeOptions { UseVad = false }, null, CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(504, error.Status);
        Assert.Equal("timeout", error.Code);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"timeout took {started.Elapsed}");
        Assert.Equal(0, engine.Status.SlotsBusy);
    }

    [Fact]
    public async Task A_full_engine_answers_429_at_once_and_a_queued_call_waits_its_turn()
    {
        using var engine = CreateEngine(models.English, o =>
        {
            o.Slots = 1;
            o.QueueCapacity = 1;
        });
        using var cts = new CancellationTokenSource();
        var first = StartLongRun(engine, cts.Token);

        var queued = engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, CancellationToken.None);
        await WaitUntil(() => engine.Status.QueueLength == 1);
        var rejectedAfter = Stopwatch.StartNew();
        var busy = await Assert.ThrowsAsync<ApiException>(() =>
            engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, CancellationToken.None));

        Assert.True(rejectedAfter.Elapsed < TimeSpan.FromSeconds(1));
        Assert.Equal(429, busy.Status);
        Assert.Equal(ApiException.RateLimit, busy.Type);
        Assert.NotNull(busy.RetryAfter);
        Assert.True(busy.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.False(queued.IsCompleted);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
        var result = await queued.WaitAsync(Patience);
        Assert.Equal(2.0, result.Duration, 3);
        Assert.Equal(0, engine.Status.SlotsBusy);
        Assert.Equal(0, engine.Status.QueueLength);
    }

    [Fact]
    public async Task A_queued_call_that_is_cancelled_leaves_the_queue()
    {
        using var engine = CreateEngine(models.English, o =>
        {
            o.Slots = 1;
            o.QueueCapacity = 1;
        });
        using var firstCts = new CancellationTokenSource();
        using var queuedCts = new CancellationTokenSource();
        var first = StartLongRun(engine, firstCts.Token);
        var queued = engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, queuedCts.Token);
        await WaitUntil(() => engine.Status.QueueLength == 1);

        queuedCts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Patience));
        Assert.Equal(0, engine.Status.QueueLength);
        Assert.Equal(1, engine.Status.SlotsBusy);
        firstCts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
        Assert.Equal(0, engine.Status.SlotsBusy);
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("english-ish")]
    public async Task An_unknown_language_is_a_400_on_the_language_parameter(string language)
    {
        using var engine = CreateEngine(models.Multilingual);

        var error = await Assert.ThrowsAsync<ApiException>(() => engine.TranscribeAsync(TestAudio.ToneWithNoise(2),
            new WhisperDecodeOptions { Language = language }, null, CancellationToken.None));

        Assert.Equal(400, error.Status);
        Assert.Equal("language", error.Param);
        Assert.Equal(0, engine.Status.SlotsBusy);
    }

    [Fact]
    public async Task An_english_only_model_refuses_another_language()
    {
        using var engine = CreateEngine(models.English);

        var error = await Assert.ThrowsAsync<ApiException>(() => engine.TranscribeAsync(TestAudio.ToneWithNoise(2),
            new WhisperDecodeOptions { Language = "de" }, null, CancellationToken.None));

        Assert.Equal(400, error.Status);
        Assert.Equal("language", error.Param);
    }

    [Fact]
    public async Task A_multilingual_model_reports_the_language_it_was_given_or_detected()
    {
        using var engine = CreateEngine(models.Multilingual);

        var given = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions { Language = "DE" },
            null, CancellationToken.None);
        var detected = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, CancellationToken.None);

        Assert.Equal("de", given.Language);
        Assert.NotNull(detected.Language);
        Assert.Matches("^[a-z]{2,3}$", detected.Language);
        Assert.True(engine.Status.IsMultilingual);
    }

    [Fact]
    public async Task Several_candidate_languages_are_narrowed_by_whispers_detection_to_the_most_probable_one()
    {
        var logger = new CapturingLogger();
        using var engine = CreateEngine(models.Multilingual, logger: logger);
        var audio = TestAudio.ToneWithNoise(2);

        // Unrestricted detection gives whisper's most probable language of all: among any candidates that include
        // it, it must be the one chosen; among candidates without it, one of them still is.
        var unrestricted = await engine.TranscribeAsync(audio, new WhisperDecodeOptions(), null, CancellationToken.None);
        var top = unrestricted.Language!;
        string[] others = [.. new[] { "fr", "de", "it", "sw" }.Where(l => l != top).Take(2)];
        var withTop = await engine.TranscribeAsync(audio, new WhisperDecodeOptions { Languages = [others[0], top, others[1]] }, null, CancellationToken.None);
        var withoutTop = await engine.TranscribeAsync(audio, new WhisperDecodeOptions { Languages = others }, null, CancellationToken.None);

        Assert.Null(unrestricted.Languages);
        Assert.Equal(top, withTop.Language);
        Assert.Equal([top], withTop.Languages);
        Assert.Contains(withoutTop.Language, others);
        Assert.Equal([withoutTop.Language!], withoutTop.Languages);
        Assert.Contains(logger.Lines, l => l.Message.Contains($"chosen among {string.Join(",", others)}") && l.Message.Contains($"whisper's own top: {top}"));
        // The same request chooses the same language again.
        var again = await engine.TranscribeAsync(audio, new WhisperDecodeOptions { Languages = others }, null, CancellationToken.None);
        Assert.Equal(withoutTop.Language, again.Language);
        Assert.Equal(withoutTop.Text, again.Text);
    }

    [Fact]
    public async Task One_candidate_language_is_simply_the_language()
    {
        using var engine = CreateEngine(models.Multilingual);

        var result = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions { Languages = ["it"] }, null, CancellationToken.None);
        var given = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions { Language = "it" }, null, CancellationToken.None);

        Assert.Equal("it", result.Language);
        Assert.Equal(["it"], result.Languages);
        Assert.Equal(given.Text, result.Text);
    }

    [Fact]
    public async Task An_english_only_model_takes_en_as_its_only_candidate_and_refuses_others_on_languages()
    {
        using var engine = CreateEngine(models.English);

        var english = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions { Languages = ["en"] }, null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<ApiException>(() => engine.TranscribeAsync(TestAudio.ToneWithNoise(2),
            new WhisperDecodeOptions { Languages = ["en", "fr"] }, null, CancellationToken.None));

        Assert.Equal(["en"], english.Languages);
        Assert.Equal((400, "languages"), (error.Status, error.Param));
        Assert.Contains("English-only", error.Message);
        Assert.Equal(0, engine.Status.SlotsBusy);
    }

    [Fact]
    public async Task Keywords_reach_whispers_prompt_within_the_token_budget_of_the_models_own_tokenizer()
    {
        var logger = new CapturingLogger();
        using var engine = CreateEngine(models.English, logger: logger);
        var audio = TestAudio.ToneWithNoise(2);

        var result = await engine.TranscribeAsync(audio, new WhisperDecodeOptions { Prompt = "A support call.", Keywords = ["AC-42", "Premium Plus"] },
            null, CancellationToken.None);
        Assert.NotEmpty(result.Segments);
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Debug && l.Message.Contains("holds 2 of 2 keyword(s)"));

        // Fifty long keywords do not fit: a prefix of them does, as the real tokenizer counts it.
        string[] many = [.. Enumerable.Range(0, 50).Select(i => $"Keyword number {i} of a very long list")];
        var model = engine.Model!;
        var (text, kept) = WhisperPrompt.Build("A support call.", many, model.CountTokens);
        Assert.InRange(kept, 1, many.Length - 1);
        Assert.StartsWith("A support call. Keywords: Keyword number 0 of", text);
        Assert.True(model.CountTokens(WhisperPrompt.KeywordSentence(many.Take(kept))) <= WhisperPrompt.KeywordTokenBudget);
        Assert.True(model.CountTokens(WhisperPrompt.KeywordSentence(many.Take(kept + 1))) > WhisperPrompt.KeywordTokenBudget);
        await engine.TranscribeAsync(audio, new WhisperDecodeOptions { Prompt = "A support call.", Keywords = many }, null, CancellationToken.None);
        Assert.Contains(logger.Lines, l => l.Message.Contains($"holds {kept} of 50 keyword(s)"));
    }

    [Fact]
    public async Task VAD_on_silence_yields_no_segments_and_no_text()
    {
        using var engine = CreateEngine(models.English);
        var segments = 0;

        // 40 s is above the 30 s default threshold, so the policy turns VAD on by itself.
        var byPolicy = await engine.TranscribeAsync(TestAudio.Silence(40), new WhisperDecodeOptions(), _ => segments++, CancellationToken.None);
        var forced = await engine.TranscribeAsync(TestAudio.Silence(3), new WhisperDecodeOptions { UseVad = true }, null, CancellationToken.None);

        Assert.Empty(byPolicy.Segments);
        Assert.Equal("", byPolicy.Text);
        Assert.Equal(0, segments);
        Assert.Equal(40.0, byPolicy.Duration, 3);
        Assert.Equal(new DurationUsage(40.0), byPolicy.Usage);
        Assert.Empty(forced.Segments);
        Assert.True(engine.Status.VadAvailable);
    }

    [Fact]
    public async Task VAD_timestamps_refer_to_the_original_audio()
    {
        using var engine = CreateEngine(models.English);
        // 10 s of silence, a 4 s voice-like sound, 10 s of silence: whisper only sees the voice.
        var audio = TestAudio.Concat(TestAudio.Silence(10), TestAudio.Voice(4), TestAudio.Silence(10));

        var result = await engine.TranscribeAsync(audio, new WhisperDecodeOptions { UseVad = true, WordTimestamps = true },
            null, CancellationToken.None);

        Assert.NotEmpty(result.Segments);
        Assert.All(result.Segments, s =>
        {
            Assert.InRange(s.Start, 9.5, 14.5);
            Assert.InRange(s.End, s.Start, 14.5);
        });
        Assert.All(result.Words, w => Assert.InRange(w.Start, 9.5, 14.5));
        Assert.Equal(24.0, result.Duration, 3);
    }

    [Fact]
    public async Task A_missing_model_leaves_the_engine_up_but_not_loaded_and_calls_get_503()
    {
        var path = Path.Combine(models.Directory, "does-not-exist.bin");
        using var engine = CreateEngine(path);

        await engine.EnsureLoadedAsync();
        var status = engine.Status;
        var error = await Assert.ThrowsAsync<ApiException>(() =>
            engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, CancellationToken.None));

        Assert.False(status.ModelLoaded);
        Assert.Contains("does-not-exist.bin", status.LoadError);
        Assert.Equal(path, status.ModelPath);
        Assert.Equal(503, error.Status);
        Assert.Equal(ApiException.ApiErrorType, error.Type);
        Assert.Equal("model_not_loaded", error.Code);
        // Where the model lives is the operator's business, not the caller's.
        Assert.DoesNotContain(models.Directory, error.Message);
        Assert.DoesNotContain("does-not-exist.bin", error.Message);
    }

    [Fact]
    public async Task A_file_whisper_rejects_is_reported_as_a_load_error()
    {
        var path = Path.Combine(models.Directory, "truncated.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(models.English).AsSpan(0, 300_000).ToArray());
        using var engine = CreateEngine(path);

        await engine.EnsureLoadedAsync();

        Assert.False(engine.Status.ModelLoaded);
        Assert.NotNull(engine.Status.LoadError);
        var error = await Assert.ThrowsAsync<ApiException>(() =>
            engine.TranscribeAsync(TestAudio.ToneWithNoise(2), new WhisperDecodeOptions(), null, CancellationToken.None));
        Assert.Equal(503, error.Status);
    }

    [Fact]
    public async Task Status_describes_the_loaded_model_and_pool()
    {
        using var engine = CreateEngine(models.English, o =>
        {
            o.Slots = 2;
            o.ThreadsPerSlot = 1;
            o.QueueCapacity = 3;
        });

        await engine.EnsureLoadedAsync();
        var status = engine.Status;

        Assert.True(status.ModelLoaded);
        Assert.True(status.IsSyntheticModel);
        Assert.False(status.IsMultilingual);
        Assert.Null(status.LoadError);
        Assert.Equal(2, status.SlotsTotal);
        Assert.Equal(1, status.ThreadsPerSlot);
        Assert.Equal(3, status.QueueCapacity);
        Assert.Equal(0, status.SlotsBusy);
    }

    [Fact]
    public async Task An_exception_thrown_by_onSegment_stops_the_run_and_reaches_the_caller()
    {
        using var engine = CreateEngine(models.English);
        var calls = 0;
        var thrownAt = new Stopwatch();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.TranscribeAsync(TestAudio.ToneWithNoise(300),
            new WhisperDecodeOptions { UseVad = false }, _ =>
            {
                calls++;
                thrownAt.Start();
                throw new InvalidOperationException("client went away");
            }, CancellationToken.None).WaitAsync(Patience));

        Assert.Equal("client went away", error.Message);
        Assert.Equal(1, calls);
        Assert.True(thrownAt.Elapsed < TimeSpan.FromSeconds(5), $"the run went on for {thrownAt.Elapsed} after the callback failed");
        Assert.Equal(0, engine.Status.SlotsBusy);
    }

    [Fact]
    public async Task A_fixed_temperature_is_used_as_is_and_reported_on_every_segment()
    {
        using var engine = CreateEngine(models.English);

        var result = await engine.TranscribeAsync(TestAudio.ToneWithNoise(3),
            new WhisperDecodeOptions { Temperature = 0.4f, Prompt = "Hello there, this is a prompt." }, null, CancellationToken.None);

        Assert.NotEmpty(result.Segments);
        Assert.All(result.Segments, s => Assert.Equal(0.4, s.Temperature, 3));
    }

    [Fact]
    public async Task Translation_is_reported_as_the_task()
    {
        using var engine = CreateEngine(models.Multilingual);

        var result = await engine.TranscribeAsync(TestAudio.ToneWithNoise(2),
            new WhisperDecodeOptions { Task = TranscriptionTask.Translate, Language = "de" }, null, CancellationToken.None);

        Assert.Equal(TranscriptionTask.Translate, result.Task);
        Assert.Equal("de", result.Language);
    }

    [Fact]
    public async Task WhisperCpp_log_lines_reach_the_engine_logger_at_debug_level()
    {
        var logger = new CapturingLogger();
        using var engine = new WhisperEngine(Options.Create(new WhisperOptions { ModelPath = models.English, ThreadsPerSlot = 1 }), logger);

        await engine.EnsureLoadedAsync();

        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Debug && l.Message.Contains("whisper_model_load"));
    }

    [Fact]
    public async Task Short_clips_are_padded_and_still_clipped_to_their_duration()
    {
        using var engine = CreateEngine(models.English);

        var result = await engine.TranscribeAsync(TestAudio.ToneWithNoise(0.5), new WhisperDecodeOptions(), null, CancellationToken.None);

        Assert.Equal(0.5, result.Duration, 3);
        Assert.All(result.Segments, s => Assert.InRange(s.End, 0, 0.5));
    }

    private static WhisperEngine CreateEngine(string modelPath, Action<WhisperOptions>? configure = null, ILogger<WhisperEngine>? logger = null)
    {
        // One thread per run: the suite shares 2 cores with other work, and ggml's spinning barriers
        // degrade badly when its threads are not all scheduled (3x slower measured under load).
        var options = new WhisperOptions { ModelPath = modelPath, ThreadsPerSlot = 1 };
        configure?.Invoke(options);
        return new WhisperEngine(Options.Create(options), logger ?? NullLogger<WhisperEngine>.Instance);
    }

    /// <summary>Starts ten minutes of audio (far longer than any test waits) and returns once whisper is decoding it.</summary>
    private static Task<TranscriptionResult> StartLongRun(WhisperEngine engine, CancellationToken cancellationToken)
    {
        using var running = new ManualResetEventSlim();
        var task = engine.TranscribeAsync(TestAudio.ToneWithNoise(600), new WhisperDecodeOptions { UseVad = false },
            _ => running.Set(), cancellationToken);
        Assert.True(running.Wait(Patience), "the long run produced no segment");
        return task;
    }

    private sealed class CapturingLogger : ILogger<WhisperEngine>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message)> _lines = new();

        public IReadOnlyCollection<(LogLevel Level, string Message)> Lines => _lines;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue((logLevel, formatter(state, exception)));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Patience, "condition not reached");
            await Task.Delay(10);
        }
    }
}
