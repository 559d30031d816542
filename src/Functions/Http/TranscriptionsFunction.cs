using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Http;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Functions.Http;

/// <summary>POST /v1/audio/transcriptions: Core's handler, as src/Server maps it (streaming included).</summary>
public sealed class TranscriptionsFunction(TranscriptionHandler handler)
{
    // Anonymous at the Functions level: API keys are Core's (Auth:Keys), so both hosts accept the same keys.
    [Function("Transcriptions")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/audio/transcriptions")] HttpRequest request) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => handler.HandleAsync(ctx, TranscriptionTask.Transcribe),
            ApiEndpointInfo.Metered(UsageRecord.Transcription));
}
