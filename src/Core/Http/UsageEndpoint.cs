using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Transcription;
using SpeechToText.Core.Usage;

namespace SpeechToText.Core.Http;

/// <summary>GET /v1/usage, shared by every host: the records of the asked days, counted once per request.</summary>
public sealed class UsageEndpoint(ApiKeyValidator keys, IOptions<UsageOptions> options, TimeProvider time, UsageWriter writer, IUsageStore store)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        if (!keys.IsAdmin(ctx))
        {
            throw ApiException.NotAdmin("read usage");
        }
        var query = UsageQuery.Parse(ctx.Request.Query, time.GetUtcNow(), options.Value.MaxQueryDays);
        try
        {
            // Records still in memory are written first, so the answer counts every request up to this one.
            await writer.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw ApiException.Unavailable("Usage storage is not reachable right now; records are kept and written once it is.",
                "usage_store_unavailable", retryAfter: TimeSpan.FromSeconds(10), type: ApiException.ServerError);
        }
        var records = new List<UsageRecord>();
        foreach (var day in query.Days)
        {
            await foreach (var record in store.ReadDayAsync(day, ctx.RequestAborted).ConfigureAwait(false))
            {
                if (query.Contains(record))
                {
                    records.Add(record);
                }
            }
        }
        var body = UsageReport.Render(query, UsageReport.CountedOnce(records));
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }
}
