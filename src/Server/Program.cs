using SpeechToText.Core;
using SpeechToText.Core.Api;
using SpeechToText.Core.Engines.WhisperCpp;
using SpeechToText.Server;

// Small command-line verbs used by scripts/ (no server started).
if (ServerCommands.TryRun(args, out var exitCode))
{
    return exitCode;
}

// Content root = the app folder, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSpeechToText(builder.Configuration);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var binding = ListenAddress.Configure(builder);

var app = builder.Build();
app.UseAudioApi();
app.MapAudioApi();
ListenAddress.LogStartup(app, binding);
await app.RunAsync();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
