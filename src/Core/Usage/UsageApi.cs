using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpeechToText.Core.Api;

namespace SpeechToText.Core.Usage;

/// <summary>GET /v1/usage: metered usage per day, for admin keys (anyone when auth is off, which means loopback only).</summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/usage", UsageAsync);
        return endpoints;
    }

    /// <summary>Shared by every host.</summary>
    public static async Task UsageAsync(HttpContext ctx)
    {
        var services = ctx.RequestServices;
        if (!services.GetRequiredService<ApiKeyValidator>().IsAdmin(ctx))
        {
            throw new ApiError(403, "This key may not read usage: it needs Auth:Keys:N:Admin=true.", "permission_error", null, "insufficient_permissions");
        }
        var options = services.GetRequiredService<IOptions<UsageOptions>>().Value;
        var query = UsageQuery.Parse(ctx.Request.Query, services.GetRequiredService<TimeProvider>().GetUtcNow(), options.MaxQueryDays);
        try
        {
            // Records still in memory are written first, so the answer counts every request up to this one.
            await services.GetRequiredService<UsageWriter>().FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ApiError(503, "Usage storage is not reachable right now; records are kept and written once it is.",
                ApiError.ServerError, null, "usage_store_unavailable", TimeSpan.FromSeconds(10));
        }
        var store = services.GetRequiredService<IUsageStore>();
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
