using System.ClientModel.Primitives;
using Azure.Core;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>
/// Microsoft Entra ID tokens for a deployment at a plain-http loopback endpoint (a local test server or proxy),
/// which the SDK's BearerTokenPolicy refuses because it requires TLS. Anything but loopback is refused here
/// too, so a token never leaves the machine unencrypted; https endpoints use the SDK's policy.
/// </summary>
internal sealed class LoopbackBearerTokenPolicy(TokenCredential credential, string scope) : AuthenticationPolicy
{
    private readonly TokenRequestContext _context = new([scope]);

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Authorize(message, credential.GetToken(_context, message.CancellationToken));
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Authorize(message, await credential.GetTokenAsync(_context, message.CancellationToken).ConfigureAwait(false));
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }

    private static void Authorize(PipelineMessage message, AccessToken token)
    {
        if (message.Request.Uri is not { IsLoopback: true })
        {
            throw new InvalidOperationException("Bearer tokens are sent over plain http only to loopback endpoints.");
        }
        message.Request.Headers.Set("Authorization", "Bearer " + token.Token);
    }
}
