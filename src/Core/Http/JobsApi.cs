using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;

namespace SpeechToText.Core.Http;

/// <summary>
/// Jobs over HTTP, answered from the Durable Task client of whichever host serves them (Durable Functions'
/// [DurableClient] in Azure, the local task hub's client in src/Server):
/// <c>GET /v1/transcription-jobs/{id}</c>, <c>GET /v1/transcription-jobs?input=&lt;blob name&gt;</c>, and for admin keys
/// <c>POST /v1/transcription-jobs/{id}/cancel</c> (terminates a running job) and <c>DELETE /v1/transcription-jobs/{id}</c>
/// (purges an ended job's history and chunks; transcripts stay). Unknown jobs are a 404 in OpenAI's error envelope;
/// storage that cannot be reached is a 503 (ApiErrorMapper).
/// </summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/transcription-jobs/{id}", (HttpContext ctx, JobsEndpoints jobs, DurableTaskClient client, string id) => jobs.JobAsync(ctx, client, id));
        endpoints.MapGet("/v1/transcription-jobs", (HttpContext ctx, JobsEndpoints jobs, DurableTaskClient client) => jobs.JobByInputAsync(ctx, client));
        endpoints.MapPost("/v1/transcription-jobs/{id}/cancel", (HttpContext ctx, JobsEndpoints jobs, DurableTaskClient client, string id) => jobs.CancelAsync(ctx, client, id));
        endpoints.MapDelete("/v1/transcription-jobs/{id}", (HttpContext ctx, JobsEndpoints jobs, DurableTaskClient client, string id) => jobs.DeleteAsync(ctx, client, id));
        return endpoints;
    }
}
