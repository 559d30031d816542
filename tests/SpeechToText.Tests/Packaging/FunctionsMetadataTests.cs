using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Storage;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Packaging;

/// <summary>
/// The Functions worker, as the Functions SDK compiled it into the package (functions.metadata): it exposes the
/// same HTTP surface as src/Server and binds its pipeline triggers to the containers and queues the pipeline uses.
/// The Functions host itself cannot run here (Core Tools is not obtainable), so this is what can be checked of it.
/// </summary>
public sealed class FunctionsMetadataTests(FunctionsPackage package) : IClassFixture<FunctionsPackage>
{
    private sealed record Binding(string Function, string Type, string? Route, string? Path, string? Queue, string? Connection,
        string? AuthLevel, string[] Methods);

    private IReadOnlyList<Binding> Triggers()
    {
        var path = Path.Combine(package.Folder, "stage", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the package was built without the Functions worker");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
        return doc.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))
                .Select(b => new Binding(f.GetProperty("name").GetString()!, b.GetProperty("type").GetString()!,
                    Text(b, "route"), Text(b, "path"), Text(b, "queueName"), Text(b, "connection"), Text(b, "authLevel"),
                    b.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToArray() : [])))
            .ToList();
    }

    /// <summary>Every (method, route) src/Server maps, read from its endpoint table with storage configured.</summary>
    private static HashSet<string> ServerRoutes()
    {
        using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Whisper:ModelPath", TestModels.Test);
            b.UseSetting("Storage:ConnectionString", "UseDevelopmentStorage=true");
        });
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimStart('/')}"))
            .ToHashSet();
    }

    [Fact]
    public void Every_server_endpoint_has_an_anonymous_http_function_with_the_same_route_and_method()
    {
        var functions = Triggers().Where(t => t.Type == "httpTrigger")
            .SelectMany(t => t.Methods.Select(m => $"{m} {t.Route}"))
            .ToHashSet();
        var server = ServerRoutes();
        Assert.NotEmpty(server);
        // The realtime endpoints are src/Server's alone: Azure Functions cannot hold a WebSocket, and client secrets
        // are honoured only by the instance that minted them.
        var realtime = server.Where(r => r.Split(' ')[1].StartsWith("v1/realtime", StringComparison.Ordinal)).ToList();
        Assert.Equal(["GET v1/realtime", "POST v1/realtime/client_secrets", "POST v1/realtime/transcription_sessions"], realtime.Order());
        Assert.Equal(server.Except(realtime).Order(), functions.Order());
        // API keys are Core's (Auth:Keys), checked the same way in both hosts: no Functions key in front.
        Assert.All(Triggers().Where(t => t.Type == "httpTrigger"), t => Assert.Equal("Anonymous", t.AuthLevel, ignoreCase: true));
    }

    [Fact]
    public void The_blob_trigger_binds_the_input_container_through_the_identity_connection_and_schedules_through_a_durable_client()
    {
        var blob = Assert.Single(Triggers(), t => t.Type == "blobTrigger");
        Assert.Equal($"{new StorageOptions().InputContainer}/{{name}}", blob.Path);
        Assert.Equal("PipelineStorage", blob.Connection);
        Assert.Contains(Bindings(blob.Function), b => b == "durableClient");
        Assert.DoesNotContain(Triggers(), t => t.Type == "queueTrigger");
    }

    [Fact]
    public void Every_orchestrator_and_activity_of_Core_has_its_function_under_the_name_the_orchestration_calls()
    {
        var functions = Triggers();
        Assert.Equal(JobsServiceCollectionExtensions.JobOrchestrators.Select(o => o.Name).Order(),
            functions.Where(t => t.Type == "orchestrationTrigger").Select(t => t.Function).Order());
        Assert.Equal(JobsServiceCollectionExtensions.JobActivities.Select(a => a.Name).Order(),
            functions.Where(t => t.Type == "activityTrigger").Select(t => t.Function).Order());
        // The job endpoints and the housekeeping timer read the task hub through Durable's client.
        foreach (var f in functions.Where(t => t.Route?.StartsWith("v1/transcription-jobs", StringComparison.Ordinal) == true || t.Type == "timerTrigger"))
        {
            Assert.Contains("durableClient", Bindings(f.Function));
        }
        Assert.Single(functions, t => t.Type == "timerTrigger");
    }

    private IReadOnlyList<string> Bindings(string function)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Folder, "stage", "functions.metadata")));
        return doc.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == function)
            .GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).ToList();
    }
}
