using SpeechToText.Core;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Http;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Storage;
using SpeechToText.Server;
using SpeechToText.Server.Durable;

StartupTimeline.Mark("main");
// Small command-line verbs used by scripts/ (no server started).
if (ServerCommands.TryRun(args, out var exitCode))
{
    return exitCode;
}

// Content root = the app folder, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// whisper.cpp and the model load on another core while the host is built (the engine takes that model).
WhisperServiceCollectionExtensions.PreloadWhisperModel(builder.Configuration);
builder.Services.AddSpeechToText(builder.Configuration);
// Exported only when OTEL_EXPORTER_OTLP_ENDPOINT, Telemetry:OtlpEndpoint or APPLICATIONINSIGHTS_CONNECTION_STRING is set.
builder.Services.AddSpeechToTextTelemetry(builder.Configuration);
// The blob pipeline, one Durable Task orchestration per recording: the 413 hint whenever storage is configured,
// job status whenever its task hub can be reached, and the task hub's worker, blob watcher and housekeeping only
// with Pipeline:Enabled.
builder.Services.AddSpeechToTextJobs(builder.Configuration);
var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>();
if (storage?.CanHostTaskHub == true)
{
    builder.Services.AddLocalDurablePipeline(builder.Configuration.GetValue<bool>($"{PipelineOptions.Section}:{nameof(PipelineOptions.Enabled)}"));
}
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var binding = ListenAddress.Configure(builder);

// Settings are checked while the app is built and started: a bad one is said in one line and the server stops with
// exit code 2, instead of the runtime's unhandled-exception abort (134).
try
{
    var app = builder.Build();
    StartupTimeline.Attach(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SpeechToText.Startup"));
    StartupTimeline.Mark("host-built");
    app.Lifetime.ApplicationStarted.Register(() => StartupTimeline.Mark("listening"));
    app.UseWebSockets();
    app.UseAudioApi();
    app.MapAudioApi();
    app.MapRealtimeApi();
    app.MapUsageApi();
    if (storage?.CanHostTaskHub == true)
    {
        app.MapJobsApi();
    }
    ListenAddress.LogStartup(app, binding);
    await app.RunAsync();
}
catch (Exception e) when (e is Microsoft.Extensions.Options.OptionsValidationException or SpeechToText.Core.Models.ModelCatalogException)
{
    var reasons = e is Microsoft.Extensions.Options.OptionsValidationException invalid ? string.Join("; ", invalid.Failures) : e.Message;
    await Console.Error.WriteLineAsync($"configuration error: {reasons}");
    return 2;
}
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
