using System.ClientModel.Primitives;

namespace SpeechToText.Core.Backends.AzureOpenAI;

/// <summary>
/// Sends a deployment's calls to Azure OpenAI's dated route, <c>/openai/deployments/{deployment}/audio/...?api-version=</c>,
/// instead of the v1 route the OpenAI SDK builds (<c>/openai/v1/audio/...</c>). Some deployments answer
/// 404 DeploymentNotFound on the v1 route while the dated one works; an operator opts in per deployment with
/// <see cref="AzureDeploymentOptions.ApiVersion"/>. A policy in the client's own pipeline, so every call (each
/// format, translations, streaming) takes the same path through authentication and our retries.
/// </summary>
internal sealed class DatedRoutePolicy(Uri v1Endpoint, string deployment, string apiVersion) : PipelinePolicy
{
    private readonly string _v1 = v1Endpoint.AbsoluteUri;
    private readonly string _dated = new Uri(v1Endpoint, $"../deployments/{Uri.EscapeDataString(deployment)}/").AbsoluteUri;
    private readonly string _apiVersion = "api-version=" + Uri.EscapeDataString(apiVersion);

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Rewrite(PipelineMessage message)
    {
        var uri = message.Request.Uri?.AbsoluteUri;
        if (uri is null || !uri.StartsWith(_v1, StringComparison.Ordinal))
        {
            return;
        }
        var rest = uri[_v1.Length..];
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rest : rest[..query];
        var otherQuery = query < 0 ? "" : rest[(query + 1)..] + "&";
        message.Request.Uri = new Uri($"{_dated}{path}?{otherQuery}{_apiVersion}");
    }
}
