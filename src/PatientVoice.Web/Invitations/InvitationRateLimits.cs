using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PatientVoice.Application.Invitations;

namespace PatientVoice.Web.Invitations;

/// <summary>
/// The ASP.NET Core rate limiter in front of the link's page: look-ups (GET) per client address, date-of-birth
/// attempts (POST) per link, so neither guessing tokens nor guessing a birth date scales. Refused with 429 and a plain page.
/// </summary>
public static class InvitationRateLimits
{
    public const string Policy = "invitation-link";

    public static IServiceCollection AddInvitationRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, cancellationToken) =>
            {
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                Pages.SitePageContentSecurityPolicy.Apply(context.HttpContext);
                var text = InvitationText.For(context.HttpContext);
                var body = $"<!DOCTYPE html><html lang=\"{text.Lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{text.TooManyTitle}</title></head>"
                    + $"<body><main><h1>{text.TooManyTitle}</h1><p role=\"alert\">{text.TooManyBody}</p></main></body></html>";
                return new ValueTask(context.HttpContext.Response.WriteAsync(body, cancellationToken));
            };
            options.AddPolicy(Policy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<InvitationOptions>>().Value;
                if (HttpMethods.IsPost(http.Request.Method))
                {
                    var token = http.Request.RouteValues["token"] as string ?? "";
                    // The partition is the link (its hash: the token itself is kept nowhere, not even in memory keys).
                    return RateLimitPartition.GetFixedWindowLimiter("check:" + InvitationToken.Hash(token), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.BirthDateAttempts,
                        Window = settings.BirthDateWindow,
                        QueueLimit = 0,
                    });
                }

                return RateLimitPartition.GetFixedWindowLimiter("lookup:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.LookupsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }
}
