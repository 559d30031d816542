using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SpeechToText.Core;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Observability;
using SpeechToText.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
BundledModel.UseAsDefault(builder.Configuration);
// Includes usage metering with its hosted writer (drains on shutdown) and the per-key limits.
builder.Services.AddSpeechToText(builder.Configuration);
// The pipeline's activities, scheduler, status and housekeeping; Durable Functions runs the orchestration (host.json).
builder.Services.AddSpeechToTextJobs(builder.Configuration);
// host.json sets telemetryMode OpenTelemetry: the host and this worker both emit OpenTelemetry, correlated by
// UseFunctionsWorkerDefaults, exported to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING, which the
// infrastructure sets) and/or an OTLP endpoint.
builder.Services.AddSpeechToTextTelemetry(builder.Configuration)?.UseFunctionsWorkerDefaults();
builder.Build().Run();
