using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SpeechToText.Core.Api;

namespace SpeechToText.Core.Jobs;

/// <summary>
/// Job status over HTTP: <c>GET /v1/transcription-jobs/{id}</c> and <c>GET /v1/transcription-jobs?input=&lt;blob name&gt;</c>.
/// Unknown jobs are a 404 in OpenAI's error envelope; storage that cannot be reached is a 503 (ApiErrorMapper).
/// </summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/transcription-jobs/{id}", (HttpContext ctx, string id) => JobAsync(ctx, id));
        endpoints.MapGet("/v1/transcription-jobs", JobByInputAsync);
        return endpoints;
    }

    /// <summary>GET /v1/transcription-jobs/{id}; shared by every host.</summary>
    public static async Task JobAsync(HttpContext ctx, string id)
    {
        var steps = ctx.RequestServices.GetRequiredService<PipelineSteps>();
        var found = JobManifest.IsValidId(id) ? await steps.Manifests.TryReadAsync(id, ctx.RequestAborted).ConfigureAwait(false) : null;
        await WriteAsync(ctx, steps, found?.Manifest, $"No transcription job with id '{id}'.").ConfigureAwait(false);
    }

    /// <summary>GET /v1/transcription-jobs?input=&lt;blob name&gt;; shared by every host.</summary>
    public static async Task JobByInputAsync(HttpContext ctx)
    {
        var steps = ctx.RequestServices.GetRequiredService<PipelineSteps>();
        if (ctx.Request.Query["input"].ToString() is not { Length: > 0 } input)
        {
            throw ApiError.MissingField("input");
        }
        var manifest = await steps.FindByInputAsync(input, ctx.RequestAborted).ConfigureAwait(false);
        await WriteAsync(ctx, steps, manifest, $"No transcription job for input '{input}'.").ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext ctx, PipelineSteps steps, JobManifest? manifest, string notFound)
    {
        if (manifest is null)
        {
            throw new ApiError((int)HttpStatusCode.NotFound, notFound, ApiError.InvalidRequest, null, "job_not_found");
        }
        var body = JobJson.Serialize(JobStatus.From(manifest, steps.Storage.Options)).ToArray();
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }
}
