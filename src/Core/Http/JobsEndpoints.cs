using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using SpeechToText.Core.Jobs;
using SpeechToText.Core.Transcription;

namespace SpeechToText.Core.Http;

/// <summary>The job endpoints (JobsApi maps them on ASP.NET Core; the Functions triggers call them), shared by every host.</summary>
public sealed class JobsEndpoints(JobStatusReader reader, JobStatusDocuments documents, JobHousekeeping housekeeping, ApiKeyValidator keys)
{
    /// <summary>GET /v1/transcription-jobs/{id}; shared by every host.</summary>
    public async Task JobAsync(HttpContext ctx, DurableTaskClient client, string id)
    {
        var status = await reader.GetAsync(client, id, ctx.RequestAborted).ConfigureAwait(false);
        await WriteAsync(ctx, status ?? throw NotFound($"No transcription job with id '{id}'.")).ConfigureAwait(false);
    }

    /// <summary>GET /v1/transcription-jobs?input=&lt;blob name&gt;; shared by every host.</summary>
    public async Task JobByInputAsync(HttpContext ctx, DurableTaskClient client)
    {
        if (ctx.Request.Query["input"].ToString() is not { Length: > 0 } input)
        {
            throw ApiException.MissingField("input");
        }
        var status = await reader.FindByInputAsync(client, input, ctx.RequestAborted).ConfigureAwait(false);
        await WriteAsync(ctx, status ?? throw NotFound($"No transcription job for input '{input}'.")).ConfigureAwait(false);
    }

    /// <summary>POST /v1/transcription-jobs/{id}/cancel: terminates the job and its running batch; answers its status.</summary>
    public async Task CancelAsync(HttpContext ctx, DurableTaskClient client, string id)
    {
        RequireAdmin(ctx, "cancel jobs");
        var status = await reader.GetAsync(client, id, ctx.RequestAborted).ConfigureAwait(false) ?? throw NotFound($"No transcription job with id '{id}'.");
        if (!JobStates.IsFinal(status.State))
        {
            // The job first, so it never sees its batch end; then the batch that was running. Chunk activities already
            // running finish on their own (a native run cannot be recalled from here) and their results are ignored.
            await client.TerminateInstanceAsync(id, "cancelled", ctx.RequestAborted).ConfigureAwait(false);
            for (int batch = 0; await client.GetInstanceAsync(JobIds.Batch(id, batch), ctx.RequestAborted).ConfigureAwait(false) is { } sub; batch++)
            {
                if (!sub.IsCompleted)
                {
                    await client.TerminateInstanceAsync(sub.InstanceId, "cancelled", ctx.RequestAborted).ConfigureAwait(false);
                }
            }
            await client.WaitForInstanceCompletionAsync(id, cancellation: ctx.RequestAborted).WaitAsync(TimeSpan.FromSeconds(30), ctx.RequestAborted)
                .ConfigureAwait(false);
            status = await reader.GetAsync(client, id, ctx.RequestAborted).ConfigureAwait(false) ?? status;
            await documents.WriteAsync(status, ctx.RequestAborted).ConfigureAwait(false);
        }
        await WriteAsync(ctx, status).ConfigureAwait(false);
    }

    /// <summary>DELETE /v1/transcription-jobs/{id}: purges an ended job (history, batches, chunk blobs); its transcripts stay.</summary>
    public async Task DeleteAsync(HttpContext ctx, DurableTaskClient client, string id)
    {
        RequireAdmin(ctx, "delete jobs");
        var status = await reader.GetAsync(client, id, ctx.RequestAborted).ConfigureAwait(false) ?? throw NotFound($"No transcription job with id '{id}'.");
        if (!JobStates.IsFinal(status.State))
        {
            throw ApiException.Conflict($"Job '{id}' is {status.State}; cancel it first (POST /v1/transcription-jobs/{id}/cancel).", "job_running");
        }
        await housekeeping.PurgeJobAsync(client, id, ctx.RequestAborted).ConfigureAwait(false);
        var body = TranscriptionWriter.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "transcription.job.deleted");
            w.WriteBoolean("deleted", true);
            w.WriteEndObject();
        });
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }

    private void RequireAdmin(HttpContext ctx, string what)
    {
        if (!keys.IsAdmin(ctx))
        {
            throw ApiException.NotAdmin(what);
        }
    }

    private static ApiException NotFound(string message) => ApiException.NotFound(message, "job_not_found");

    private static async Task WriteAsync(HttpContext ctx, JobStatus status)
    {
        var body = JobJson.Serialize(status, JobJsonContext.Default.JobStatus).ToArray();
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }
}
