using Azure.Core;
using Azure.Identity;

namespace SpeechToText.Core.Storage;

/// <summary>
/// Section "Identity": the one Microsoft Entra ID identity of the service. Storage without a connection string,
/// Azure OpenAI deployments without an api key and Application Insights ingestion all authenticate with it.
/// </summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>Client id of a user-assigned managed identity (what infra/ sets); empty: DefaultAzureCredential.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The credential for these options. Neither kind calls anything until a token is asked for, so building it
    /// costs nothing when every backend uses keys or connection strings.
    /// </summary>
    public TokenCredential CreateCredential() => string.IsNullOrWhiteSpace(ManagedIdentityClientId)
        ? new DefaultAzureCredential()
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ManagedIdentityClientId));
}
