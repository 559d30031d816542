using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Backends.WhisperCpp;

namespace SpeechToText.UnitTests.Backends.WhisperCpp;

public sealed class WhisperOptionsTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 3, 1)]
    [InlineData(4, 2, 2)]
    [InlineData(6, 2, 3)]
    [InlineData(8, 2, 4)]
    [InlineData(16, 4, 4)]
    public void Defaults_follow_the_processor_count(int cores, int slots, int threads)
    {
        var options = new WhisperOptions();

        Assert.Equal(slots, options.EffectiveSlots(cores));
        Assert.Equal(threads, options.EffectiveThreadsPerSlot(cores));
        Assert.Equal(4 * slots, options.EffectiveQueueCapacity(cores));
    }

    [Fact]
    public void Explicit_values_win_and_fill_in_the_other_dimension()
    {
        Assert.Equal(4, new WhisperOptions { Slots = 2 }.EffectiveThreadsPerSlot(8));
        Assert.Equal(8, new WhisperOptions { ThreadsPerSlot = 1 }.EffectiveSlots(8));
        Assert.Equal(0, new WhisperOptions { QueueCapacity = 0 }.EffectiveQueueCapacity(8));
        Assert.EndsWith(Path.Combine("models", "ggml-silero-v6.2.0.bin"), new WhisperOptions().EffectiveVadModelPath);
    }

    [Fact]
    public void Native_directory_comes_from_options_else_the_app_folder()
    {
        Assert.Equal(Path.GetFullPath("/opt/whisper/lib"), WhisperNativeLibrary.ResolveDirectory("/opt/whisper/lib"));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "native"), WhisperNativeLibrary.ResolveDirectory(null));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "native"), WhisperNativeLibrary.ResolveDirectory(" "));
    }

    [Fact]
    public void Validator_rejects_impossible_settings_but_not_a_missing_model()
    {
        var validator = new WhisperOptionsValidator();

        Assert.True(validator.Validate(null, new WhisperOptions { ModelPath = "/nowhere/model.bin" }).Succeeded);
        var failed = validator.Validate(null, new WhisperOptions
        {
            Slots = 0,
            ThreadsPerSlot = 0,
            QueueCapacity = -1,
            RequestTimeout = TimeSpan.Zero,
            BestOf = 9,
            VadThreshold = 1.5f,
        });
        Assert.True(failed.Failed);
        Assert.Equal(6, failed.Failures!.Count());
    }

    [Fact]
    public void AddWhisperEngine_binds_the_section_and_registers_one_singleton_engine()
    {
        using var provider = Build(new()
        {
            ["Whisper:ModelPath"] = "/models/a.bin",
            ["Whisper:Slots"] = "3",
            ["Whisper:QueueCapacity"] = "7",
            ["Whisper:RequestTimeout"] = "00:01:30",
            ["WHISPER_MODEL"] = "/models/ignored.bin",
        });

        var options = provider.GetRequiredService<IOptions<WhisperOptions>>().Value;
        var engine = provider.GetRequiredService<IWhisperEngine>();

        Assert.Equal("/models/a.bin", options.ModelPath);
        Assert.Equal(3, options.Slots);
        Assert.Equal(TimeSpan.FromSeconds(90), options.RequestTimeout);
        Assert.IsType<WhisperEngine>(engine);
        Assert.Same(engine, provider.GetRequiredService<WhisperEngine>());
        Assert.Same(engine, provider.GetRequiredService<IWhisperEngine>());
        Assert.Equal(3, engine.Status.SlotsTotal);
        Assert.Equal(7, engine.Status.QueueCapacity);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s.GetType().Name == "WhisperModelLoader");
    }

    [Fact]
    public void WHISPER_MODEL_fills_an_unset_model_path()
    {
        using var provider = Build(new() { ["WHISPER_MODEL"] = "/models/from-env.bin" });

        Assert.Equal("/models/from-env.bin", provider.GetRequiredService<IOptions<WhisperOptions>>().Value.ModelPath);
    }

    [Fact]
    public void Invalid_settings_fail_when_the_options_are_read()
    {
        using var provider = Build(new() { ["Whisper:Slots"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WhisperOptions>>().Value);
        Assert.Contains("Slots", error.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWhisperEngine(configuration);
        return services.BuildServiceProvider();
    }
}
