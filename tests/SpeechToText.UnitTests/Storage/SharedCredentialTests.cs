using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpeechToText.Core;
using SpeechToText.Core.Observability;
using SpeechToText.Core.Storage;

namespace SpeechToText.UnitTests.Storage;

/// <summary>One credential, from section "Identity", for storage, Azure OpenAI and Application Insights.</summary>
public class SharedCredentialTests
{
    private const string ClientId = "4b2f0c8e-1d9a-4c77-9e61-2a5f3b7c9d10";

    /// <summary>Notes the scopes asked for and refuses, so no call leaves the machine.</summary>
    private sealed class RefusingCredential : TokenCredential
    {
        public ConcurrentQueue<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Enqueue(scope);
            }
            throw new AuthenticationFailedException("refused by the test credential");
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static IConfiguration Settings(string? clientId) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Identity:ManagedIdentityClientId"] = clientId,
        // A closed https port: the storage client must ask for a token before it can even try to connect.
        ["Storage:BlobServiceUri"] = "https://127.0.0.1:9/devstoreaccount1",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = $"ClientId={ClientId};Authorization=AAD",
    }).Build();

    private static ServiceProvider Build(IConfiguration configuration, TokenCredential? own = null)
    {
        var services = new ServiceCollection().AddLogging();
        if (own is not null)
        {
            services.AddSingleton(own);
        }
        services.AddSpeechToText(configuration);
        services.AddSpeechToTextJobs(configuration);
        services.AddSpeechToTextTelemetry(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void A_configured_client_id_is_a_user_assigned_managed_identity_and_the_only_credential()
    {
        using var sp = Build(Settings(ClientId));
        var credential = sp.GetRequiredService<TokenCredential>();
        Assert.IsType<ManagedIdentityCredential>(credential);
        Assert.Single(sp.GetServices<TokenCredential>());
        // Application Insights ingestion uses the same instance.
        Assert.Same(credential, sp.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().CurrentValue.Credential);
    }

    [Fact]
    public void Without_a_client_id_it_is_the_default_credential_chain()
    {
        using var sp = Build(Settings(null));
        Assert.IsType<DefaultAzureCredential>(sp.GetRequiredService<TokenCredential>());
    }

    [Fact]
    public async Task Storage_without_a_connection_string_asks_the_shared_credential_for_a_storage_token()
    {
        var credential = new RefusingCredential();
        using var sp = Build(Settings(ClientId), credential);
        Assert.Same(credential, sp.GetRequiredService<TokenCredential>());
        var storage = sp.GetRequiredService<JobStorage>();
        await Assert.ThrowsAnyAsync<Exception>(() => storage.Input.ExistsAsync());
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public void Entra_id_ingestion_is_asked_for_only_by_authorization_aad()
    {
        Assert.True(TelemetryServiceCollectionExtensions.UsesEntraId($"ClientId={ClientId};Authorization=AAD"));
        Assert.True(TelemetryServiceCollectionExtensions.UsesEntraId("authorization = aad"));
        Assert.False(TelemetryServiceCollectionExtensions.UsesEntraId($"ClientId={ClientId}"));
        Assert.False(TelemetryServiceCollectionExtensions.UsesEntraId(null));
    }
}
