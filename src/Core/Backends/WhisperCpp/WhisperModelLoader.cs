using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SpeechToText.Core.Backends.WhisperCpp;

/// <summary>Starts the model load when the host starts, without delaying startup.</summary>
internal sealed class WhisperModelLoader(WhisperEngine engine, IOptions<WhisperOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.LoadOnStart)
        {
            _ = engine.EnsureLoadedAsync();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
