using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SpeechToText.Core.Http;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Functions.Http;

/// <summary>POST /v1/audio/translations: Core's handler, as src/Server maps it.</summary>
public sealed class TranslationsFunction(TranscriptionHandler handler)
{
    [Function("Translations")]
    public Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/audio/translations")] HttpRequest request) =>
        AudioApi.InvokeAsync(request.HttpContext, ctx => handler.HandleAsync(ctx, TranscriptionTask.Translate),
            ApiEndpointInfo.Metered(UsageRecord.Translation));
}
