using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SpeechToText.Core;
using SpeechToText.Core.Jobs;
using SpeechToText.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
BundledModel.UseAsDefault(builder.Configuration);
// Includes usage metering with its hosted writer (drains on shutdown) and the per-key limits.
builder.Services.AddSpeechToText(builder.Configuration);
builder.Services.AddTranscriptionJobs(builder.Configuration);
builder.Services.AddSingleton<WorkItemDelivery>();
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Build().Run();
