using SpeechToText.Core;
using SpeechToText.Core.Api;
using SpeechToText.Core.Engines.WhisperCpp;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Usage;
using SpeechToText.Server;
using SpeechToText.Server.Jobs;

// Small command-line verbs used by scripts/ (no server started).
if (ServerCommands.TryRun(args, out var exitCode))
{
    return exitCode;
}

// Content root = the app folder, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSpeechToText(builder.Configuration);
// Exported only when OTEL_EXPORTER_OTLP_ENDPOINT, Telemetry:OtlpEndpoint or APPLICATIONINSIGHTS_CONNECTION_STRING is set.
builder.Services.AddSpeechToTextTelemetry(builder.Configuration);
// The blob pipeline: status endpoints and the 413 hint whenever storage is configured; the watcher and
// queue workers only with Pipeline:Enabled.
builder.Services.AddTranscriptionJobs(builder.Configuration);
var storageConfigured = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.IsConfigured == true;
if (builder.Configuration.GetValue<bool>($"{PipelineOptions.Section}:{nameof(PipelineOptions.Enabled)}"))
{
    builder.Services.AddHostedService<BlobWatcher>();
    builder.Services.AddHostedService<ChunkQueueWorker>();
    builder.Services.AddHostedService<StitchQueueWorker>();
}
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var binding = ListenAddress.Configure(builder);

var app = builder.Build();
app.UseAudioApi();
app.MapAudioApi();
app.MapUsageApi();
if (storageConfigured)
{
    app.MapJobsApi();
}
ListenAddress.LogStartup(app, binding);
await app.RunAsync();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
