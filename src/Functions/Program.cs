using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SpeechToText.Core;
using SpeechToText.Core.Backends.WhisperCpp;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Observability;
using SpeechToText.Functions;

// The worker's loggers reach the host over gRPC only once it is connected; start-up phases go to standard output,
// which the host collects into its own log.
StartupTimeline.AttachConsole();
StartupTimeline.Mark("main");
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
BundledModel.UseAsDefault(builder.Configuration);
// whisper.cpp and the model load on another core while the worker's host is built (the engine takes that model).
WhisperServiceCollectionExtensions.PreloadWhisperModel(builder.Configuration);
// Includes usage metering with its hosted writer (drains on shutdown) and the per-key limits.
builder.Services.AddSpeechToText(builder.Configuration);
// The pipeline's activities, scheduler, status and housekeeping; Durable Functions runs the orchestration (host.json).
builder.Services.AddSpeechToTextJobs(builder.Configuration);
// host.json sets telemetryMode OpenTelemetry: the host and this worker both emit OpenTelemetry, correlated by
// UseFunctionsWorkerDefaults, exported to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING, which the
// infrastructure sets) and/or an OTLP endpoint.
builder.Services.AddSpeechToTextTelemetry(builder.Configuration)?.UseFunctionsWorkerDefaults();
var app = builder.Build();
StartupTimeline.Mark("host-built");
app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => StartupTimeline.Mark("listening"));
app.Run();
