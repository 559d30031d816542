using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeechToText.Core.Http;
using SpeechToText.Core.Storage;
using SpeechToText.Core.Usage;
using SpeechToText.Tests.Fixtures;

namespace SpeechToText.Tests.Deployment;

/// <summary>
/// What each environment would deploy, read from the compiler's output (the ARM template and the snapshot Bicep
/// evaluates from it for each parameter file), not from the .bicep text: the plan and app Azure Functions needs,
/// storage without shared keys holding what the code uses, the Event Grid route to the blob trigger, exactly the
/// roles the code needs, and no secret anywhere in settings or outputs.
/// </summary>
public sealed partial class ArmTemplateTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    // Built-in role definition ids, with what of the app's code needs each.
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";        // host (AzureWebJobsStorage: keys, leases), pipeline blobs, trigger receipts
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";  // a person dropping recordings and reading transcripts
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"; // blob trigger's poison queue, the task hub's queues
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"; // the task hub's instance and history tables
    private const string MetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";     // Application Insights with local auth off
    private const string OpenAIUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";           // calling the Azure OpenAI deployments

    // Roles that would grant control of resources or of access itself: never needed by this app.
    private static readonly string[] BroadRoles =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
        "18d7d88d-d35e-4fb5-a5c3-7773c4a72b9d", // User Access Administrator
        "17d1049b-9a84-46fb-8f53-869881c3d3ab", // Storage Account Contributor
        "a7264617-510b-434b-a828-9731dc254ea7", // Cognitive Services OpenAI Contributor
    ];

    public static TheoryData<string> EnvironmentNames => new() { "minimal", "full" };

    private CompiledEnvironment Env(string name)
    {
        Assert.True(infra.ExitCode == 0, infra.Output);
        return infra.Environments[name];
    }

    private object? Param(CompiledEnvironment env, string name) => env.Parameter(name, infra.Template);

    private static Dictionary<string, object?> AppSettings(CompiledEnvironment env) =>
        env.Single("Microsoft.Web/sites/config").Object("properties");

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void A_flex_consumption_plan_runs_a_linux_function_app_on_dotnet_isolated_10(string name)
    {
        var env = Env(name);
        var plan = env.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.At("sku.name"));
        Assert.Equal("FlexConsumption", plan.At("sku.tier"));
        Assert.Equal(true, plan.At("properties.reserved"));

        var site = env.Single("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site.At("kind"));
        Assert.Equal(plan.Id, site.At("properties.serverFarmId"));
        Assert.Equal(true, site.At("properties.httpsOnly"));
        Assert.Equal("dotnet-isolated", site.At("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", site.At("properties.functionAppConfig.runtime.version"));
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void The_package_comes_from_a_blob_container_read_with_the_user_assigned_identity(string name)
    {
        var env = Env(name);
        var site = env.Single("Microsoft.Web/sites");
        var identity = env.Single("Microsoft.ManagedIdentity/userAssignedIdentities");
        Assert.Equal("UserAssigned", site.At("identity.type"));
        Assert.Equal([identity.Id!.ToString()!], site.Object("identity.userAssignedIdentities").Keys);

        var storage = site.Object("properties.functionAppConfig.deployment.storage");
        Assert.Equal("blobContainer", storage["type"]);
        // <the account's blob endpoint><container>, and that container is one the storage account creates.
        var value = Assert.IsType<RuntimeValue>(storage["value"]).Text;
        var account = env.Single("Microsoft.Storage/storageAccounts");
        var match = Regex.Match(value, @"^\{reference\('(?<id>[^']+)', '[^']+'\)\.primaryEndpoints\.blob\}(?<container>[a-z0-9-]+)$");
        Assert.True(match.Success, value);
        Assert.Equal(account.Id, match.Groups["id"].Value);
        Assert.Contains(Containers(env), c => c == match.Groups["container"].Value);
        Assert.Equal("UserAssignedIdentity", storage["authentication"] is Dictionary<string, object?> a ? a["type"] : null);
        Assert.Equal(identity.Id, ((Dictionary<string, object?>)storage["authentication"]!)["userAssignedIdentityResourceId"]);
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Scale_and_http_concurrency_come_from_the_parameters(string name)
    {
        var env = Env(name);
        var scale = env.Single("Microsoft.Web/sites").Object("properties.functionAppConfig.scaleAndConcurrency");
        Assert.Equal(Param(env, "maximumInstanceCount"), scale["maximumInstanceCount"]);
        Assert.Equal(Param(env, "instanceMemoryMB"), scale["instanceMemoryMB"]);
        Assert.Equal(Param(env, "httpPerInstanceConcurrency"), ((Dictionary<string, object?>)((Dictionary<string, object?>)scale["triggers"]!)["http"]!)["perInstanceConcurrency"]);
    }

    [Fact]
    public void The_full_environment_sets_its_own_scale_and_the_minimal_one_keeps_the_defaults()
    {
        var full = Env("full").Single("Microsoft.Web/sites").Object("properties.functionAppConfig.scaleAndConcurrency");
        var minimal = Env("minimal").Single("Microsoft.Web/sites").Object("properties.functionAppConfig.scaleAndConcurrency");
        Assert.NotEqual(minimal["instanceMemoryMB"], full["instanceMemoryMB"]);
        Assert.NotEqual(minimal["maximumInstanceCount"], full["maximumInstanceCount"]);
        var defaults = infra.Template.GetProperty("parameters");
        Assert.Equal(defaults.GetProperty("maximumInstanceCount").GetProperty("defaultValue").GetInt64(), minimal["maximumInstanceCount"]);
        Assert.Equal(defaults.GetProperty("instanceMemoryMB").GetProperty("defaultValue").GetInt64(), minimal["instanceMemoryMB"]);
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Storage_refuses_shared_keys_and_anonymous_access(string name)
    {
        var account = Env(name).Single("Microsoft.Storage/storageAccounts");
        Assert.Equal(false, account.At("properties.allowSharedKeyAccess"));
        Assert.Equal(false, account.At("properties.allowBlobPublicAccess"));
        Assert.Equal(true, account.At("properties.defaultToOAuthAuthentication"));
        Assert.Equal(true, account.At("properties.supportsHttpsTrafficOnly"));
        Assert.Equal("TLS1_2", account.At("properties.minimumTlsVersion"));
        Assert.All(Env(name).OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => Assert.Equal("None", c.At("properties.publicAccess")));
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Every_container_the_app_uses_is_created_under_the_name_its_settings_give_and_no_leftover_queue(string name)
    {
        var env = Env(name);
        var settings = AppSettings(env);
        var storage = new StorageOptions();
        var expectedContainers = new Dictionary<string, string>
        {
            ["Storage__InputContainer"] = storage.InputContainer,
            ["Storage__OutputContainer"] = storage.OutputContainer,
            ["Storage__JobsContainer"] = storage.JobsContainer,
            ["Usage__Container"] = new UsageOptions().Container,
        };
        var containers = Containers(env);
        foreach (var (setting, codeDefault) in expectedContainers)
        {
            // The settings name the containers the template creates; the defaults agree with the code's own.
            Assert.Equal(codeDefault, settings[setting]);
            Assert.Contains(codeDefault, containers);
        }
        // The task hub and the blob trigger make their own queues and tables; the template creates none.
        Assert.Empty(env.OfType("Microsoft.Storage/storageAccounts/queueServices/queues"));
        // The hub's connection reaches all three services by identity.
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Contains($".primaryEndpoints.{service}", Assert.IsType<RuntimeValue>(settings[$"PipelineStorage__{service}ServiceUri"]).Text);
        }
    }

    [Fact]
    public void A_job_may_keep_every_engine_slot_of_every_instance_busy()
    {
        foreach (var env in infra.Environments.Values)
        {
            var settings = AppSettings(env);
            long instances = (long)Param(env, "maximumInstanceCount")!;
            long slots = (long)Param(env, "instanceMemoryMB")! >= 4096 ? 2 : 1;
            Assert.Equal($"{slots}", settings["Whisper__Slots"]);
            Assert.Equal($"{instances * slots}", settings["Pipeline__MaxChunksInFlight"]);
        }
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Blob_created_events_under_the_input_container_reach_the_blob_triggers_webhook(string name)
    {
        var env = Env(name);
        var account = env.Single("Microsoft.Storage/storageAccounts");
        var topic = env.Single("Microsoft.EventGrid/systemTopics");
        Assert.Equal(account.Id, topic.At("properties.source"));
        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.At("properties.topicType"));

        var subscription = env.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");
        Assert.StartsWith(topic.Name + "/", subscription.Name);
        Assert.Equal(["Microsoft.Storage.BlobCreated"], ((List<object?>)subscription.At("properties.filter.includedEventTypes")!).Cast<string>());
        Assert.Equal($"/blobServices/default/containers/{new StorageOptions().InputContainer}/", subscription.At("properties.filter.subjectBeginsWith"));
        Assert.Equal("WebHook", subscription.At("properties.destination.endpointType"));

        // https://<app>/runtime/webhooks/blobs?functionName=Host.Functions.<blob trigger>&code=<the host's blobs_extension key>
        var site = env.Single("Microsoft.Web/sites");
        var url = Assert.IsType<RuntimeValue>(subscription.At("properties.destination.properties.endpointUrl")).Text;
        var match = Regex.Match(url, @"^https://\{reference\('(?<site>[^']+)', '[^']+'\)\.defaultHostName\}/runtime/webhooks/blobs\?functionName=Host\.Functions\.(?<function>\w+)&code=\{listKeys\('(?<host>[^']+)', '[^']+'\)\.systemKeys\.blobs_extension\}$");
        Assert.True(match.Success, url);
        Assert.Equal(site.Id, match.Groups["site"].Value);
        Assert.Equal($"{site.Id}/host/default", match.Groups["host"].Value);
        var trigger = FunctionsBuild.BlobTrigger();
        Assert.Equal((trigger.Function, trigger.Path), (match.Groups["function"].Value, $"{new StorageOptions().InputContainer}/{{name}}"));
    }

    [Fact]
    public async Task The_first_deployment_has_no_subscription_because_the_webhook_key_does_not_exist_yet()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"stt-infra-first-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, output) = await CompiledInfra.RunCheckAsync(Path.Combine(RepoPaths.Root, "infra"), outDir,
                CompiledInfra.EnvironmentVariables(subscribeBlobEvents: false));
            Assert.True(exitCode == 0, output);
            using var snapshot = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "minimal.snapshot.json")));
            var types = snapshot.RootElement.GetProperty("predictedResources").EnumerateArray().Select(r => r.GetProperty("type").GetString()).ToList();
            Assert.Contains("Microsoft.EventGrid/systemTopics", types);
            Assert.DoesNotContain("Microsoft.EventGrid/systemTopics/eventSubscriptions", types);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void The_identity_gets_exactly_the_data_roles_the_code_uses_on_the_resources_it_uses(string name)
    {
        var env = Env(name);
        var identity = env.Single("Microsoft.ManagedIdentity/userAssignedIdentities").Id!.ToString()!;
        var account = env.Single("Microsoft.Storage/storageAccounts").Id!.ToString()!;
        var insights = env.Single("Microsoft.Insights/components").Id!.ToString()!;
        var expected = new List<(string Scope, string Role)>
        {
            (account, BlobDataOwner), (account, QueueDataContributor), (account, TableDataContributor), (insights, MetricsPublisher),
        };
        if (Param(env, "deployOpenAI") is true)
        {
            expected.Add((env.Single("Microsoft.CognitiveServices/accounts").Id!.ToString()!, OpenAIUser));
        }

        var granted = RoleAssignments(env).Where(a => a.Principal == $"reference('{identity}', '{ApiVersion(env, "Microsoft.ManagedIdentity/userAssignedIdentities")}').principalId").ToList();
        Assert.Equal(expected.Order(), granted.Select(a => (a.Scope, a.Role)).Order());
        Assert.All(granted, a => Assert.Equal("ServicePrincipal", a.PrincipalType));
        Assert.DoesNotContain(RoleAssignments(env), a => BroadRoles.Contains(a.Role));
    }

    [Fact]
    public void A_named_person_may_drop_recordings_and_read_results_but_not_administer_storage()
    {
        var env = Env("full");
        Assert.Equal(CompiledInfra.PrincipalId, Param(env, "principalId"));
        var account = env.Single("Microsoft.Storage/storageAccounts").Id!.ToString()!;
        var person = RoleAssignments(env).Where(a => a.Principal == CompiledInfra.PrincipalId).ToList();
        Assert.Equal(new[] { (account, BlobDataContributor), (account, QueueDataContributor) }.Order(), person.Select(a => (a.Scope, a.Role)).Order());
        Assert.All(person, a => Assert.Equal("User", a.PrincipalType));
        // Without a principal id (the minimal file's default here), nobody else gets a role.
        Assert.DoesNotContain(RoleAssignments(Env("minimal")), a => a.PrincipalType == "User");
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Application_insights_accepts_only_entra_id_and_the_app_authenticates_with_its_identity(string name)
    {
        var env = Env(name);
        var insights = env.Single("Microsoft.Insights/components");
        Assert.Equal(true, insights.At("properties.DisableLocalAuth"));
        var settings = AppSettings(env);
        var clientId = $"{{reference('{env.Single("Microsoft.ManagedIdentity/userAssignedIdentities").Id}', '{ApiVersion(env, "Microsoft.ManagedIdentity/userAssignedIdentities")}').clientId}}";
        Assert.Equal($"ClientId={clientId};Authorization=AAD", Assert.IsType<RuntimeValue>(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]).Text);
        // The app's one credential (storage, Azure OpenAI, telemetry) is that same identity, set once.
        Assert.Equal(clientId, "{" + Assert.IsType<RuntimeValue>(settings["Identity__ManagedIdentityClientId"]).Text + "}");
        Assert.DoesNotContain(settings.Keys, k => k.EndsWith("__ManagedIdentityClientId", StringComparison.Ordinal) && k != "Identity__ManagedIdentityClientId");
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void No_key_secret_connection_string_or_sas_is_in_any_app_setting_or_output(string name)
    {
        var env = Env(name);
        var values = AppSettings(env).Select(kv => ($"app setting {kv.Key}", kv.Value))
            .Concat(env.Outputs.Select(kv => ($"output {kv.Key}", kv.Value)))
            .ToList();
        Assert.NotEmpty(values);
        var secret = SecretPattern();
        foreach (var (where, value) in values)
        {
            var text = value is RuntimeValue r ? r.Text : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            Assert.False(secret.IsMatch(text), $"{where} looks like a secret: {text}");
        }
        // The host and the triggers reach storage by identity, never by a connection string.
        var settings = AppSettings(env);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", settings["PipelineStorage__credential"]);
        // The API keys are there as hashes only.
        Assert.All(settings.Where(kv => kv.Key.StartsWith("Auth__Keys__", StringComparison.Ordinal) && kv.Key.EndsWith("__Sha256", StringComparison.Ordinal)),
            kv => Assert.Matches("^[0-9a-f]{64}$", (string)kv.Value!));
        // No output of the compiled template is a secure value.
        foreach (var output in infra.Template.GetProperty("outputs").EnumerateObject())
        {
            Assert.DoesNotContain("secure", output.Value.GetProperty("type").GetString()!, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_full_environment_configures_every_deployment_kind_its_keys_and_their_limits()
    {
        var env = Env("full");
        var settings = AppSettings(env);
        var kinds = settings.Where(kv => Regex.IsMatch(kv.Key, @"^AzureOpenAI__Deployments__\d+__Kind$")).Select(kv => (string)kv.Value!).Order();
        Assert.Equal(["gpt-4o-mini-transcribe", "gpt-4o-transcribe", "gpt-4o-transcribe-diarize", "whisper"], kinds);
        // Every deployment calls the account this environment creates, at the endpoint the service reports for it.
        var endpoint = $"reference('{env.Single("Microsoft.CognitiveServices/accounts").Id}', '{ApiVersion(env, "Microsoft.CognitiveServices/accounts")}').endpoint";
        Assert.All(settings.Where(kv => kv.Key.EndsWith("__Endpoint", StringComparison.Ordinal)), kv => Assert.Contains(endpoint, Assert.IsType<RuntimeValue>(kv.Value).Text));
        Assert.DoesNotContain(settings.Keys, k => k.EndsWith("__ApiKey", StringComparison.Ordinal));

        // The parameter file's per-deployment options arrive as the settings Core binds.
        var deployments = (List<object?>)Param(env, "openAIDeployments")!;
        for (int i = 0; i < deployments.Count; i++)
        {
            var d = (Dictionary<string, object?>)deployments[i]!;
            Assert.Equal(d["id"], settings[$"AzureOpenAI__Deployments__{i}__Id"]);
            Assert.Equal(d.GetValueOrDefault("apiVersion"), settings.GetValueOrDefault($"AzureOpenAI__Deployments__{i}__ApiVersion"));
            var fallbacks = d.GetValueOrDefault("fallbacks") as List<object?> ?? [];
            Assert.Equal(fallbacks, settings.Where(kv => kv.Key.StartsWith($"AzureOpenAI__Deployments__{i}__Fallbacks__", StringComparison.Ordinal)).OrderBy(kv => kv.Key).Select(kv => kv.Value));
        }
        Assert.Contains(deployments, d => ((Dictionary<string, object?>)d!).ContainsKey("apiVersion"));

        Assert.Equal(CompiledInfra.DefaultKeySha256, settings["Auth__Keys__0__Sha256"]);
        Assert.Equal("true", settings["Auth__Keys__0__Admin"]);
        Assert.Equal("team-a", settings["Auth__Keys__1__Id"]);
        Assert.Equal(CompiledInfra.TeamAKeySha256, settings["Auth__Keys__1__Sha256"]);
        Assert.Equal("false", settings["Auth__Keys__1__Admin"]);
        Assert.Equal("120", settings["Auth__Keys__1__RequestsPerMinute"]);
        Assert.Equal("4", settings["Auth__Keys__1__MaxConcurrentRequests"]);
        Assert.Equal("36000", settings["Auth__Keys__2__AudioSecondsPerDay"]);
        Assert.False(settings.ContainsKey("Auth__Keys__2__RequestsPerMinute"));
        Assert.False(settings.ContainsKey("Auth__Keys__3__Id"));
    }

    [Fact]
    public void The_minimal_environment_has_no_azure_openai_account_and_one_admin_key()
    {
        var env = Env("minimal");
        Assert.Empty(env.OfType("Microsoft.CognitiveServices/accounts"));
        var settings = AppSettings(env);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("AzureOpenAI__", StringComparison.Ordinal));
        Assert.Equal(["Auth__Keys__0__Admin", "Auth__Keys__0__Id", "Auth__Keys__0__Sha256"], settings.Keys.Where(k => k.StartsWith("Auth__", StringComparison.Ordinal)).Order());
        Assert.Equal("", env.Outputs["AZURE_OPENAI_ENDPOINT"]);
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Every_app_setting_is_an_option_Core_binds_or_an_identity_based_connection(string name)
    {
        var settings = AppSettings(Env(name));
        var sections = OptionSections();
        var problems = new List<string>();
        foreach (var setting in settings.Keys)
        {
            var parts = setting.Split("__");
            if (parts[0] is "AzureWebJobsStorage" or "PipelineStorage")
            {
                if (parts.Length != 2 || parts[1] is not ("accountName" or "credential" or "clientId" or "blobServiceUri" or "queueServiceUri" or "tableServiceUri"))
                {
                    problems.Add($"{setting}: not an identity-based connection setting");
                }
            }
            else if (parts[0] is "APPLICATIONINSIGHTS_CONNECTION_STRING" or "APPLICATIONINSIGHTS_AUTHENTICATION_STRING")
            {
                // Read by the Azure Monitor exporter and the Functions host.
            }
            else if (!sections.TryGetValue(parts[0], out var type))
            {
                problems.Add($"{setting}: no options section '{parts[0]}' in src/Core");
            }
            else if (Resolve(type, parts[1..]) is { } error)
            {
                problems.Add($"{setting}: {error}");
            }
        }
        Assert.Empty(problems);
    }

    private static List<string> Containers(CompiledEnvironment env) =>
        env.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(c => c.Name.Split('/')[^1]).ToList();

    private static string ApiVersion(CompiledEnvironment env, string type) => (string)env.Single(type).Body["apiVersion"]!;

    private sealed record Assignment(string Scope, string Role, string Principal, string? PrincipalType);

    /// <summary>Role assignments with their scope (from the extension resource id), role GUID and principal.</summary>
    private static IEnumerable<Assignment> RoleAssignments(CompiledEnvironment env) =>
        env.OfType("Microsoft.Authorization/roleAssignments").Select(a =>
        {
            // <scope>/providers/Microsoft.Authorization/roleAssignments/<name>, or extensionResourceId('<scope>', ...) when the
            // name is only known at deployment.
            var scope = a.Id switch
            {
                string id => id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)],
                RuntimeValue r => Regex.Match(r.Text, @"^extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments'").Groups["scope"].Value,
                var other => throw new Xunit.Sdk.XunitException($"role assignment id {other}"),
            };
            var role = ((string)a.At("properties.roleDefinitionId")!).Split('/')[^1];
            var principal = a.At("properties.principalId") switch { RuntimeValue r => r.Text, var v => (string)v! };
            return new Assignment(scope, role, principal, (string?)a.At("properties.principalType"));
        });

    /// <summary>Core's options classes by section name (their <c>Section</c> or <c>SectionName</c> constant).</summary>
    private static Dictionary<string, Type> OptionSections() =>
        typeof(AudioApi).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static) ?? t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type);

    /// <summary>Walks a configuration path the way the binder does (properties by name, list indexes); null when it binds.</summary>
    private static string? Resolve(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (int.TryParse(segment, out _) && type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single();
                continue;
            }
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not { CanWrite: true })
            {
                return $"{type.Name} has no settable property '{segment}'";
            }
            type = property.PropertyType;
        }
        return null;
    }

    // Storage account keys, SAS tokens, list* calls (they return secrets), instrumentation keys used alone.
    [GeneratedRegex(@"AccountKey=|SharedAccessSignature=|[?&]sig=|\blist[A-Za-z]*\(|InstrumentationKey=[0-9a-f-]{36}(;|$)(?!.*IngestionEndpoint)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
