using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Application;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Web.FhirApi.Errors;

/// <summary>
/// How the FHIR API's bearer schemes answer a request without a valid token: 401, a
/// <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750: <c>error="invalid_token"</c> when one was sent), and
/// an OperationOutcome body; the refusal is audited and logged by reason only (never the token). Every bearer scheme
/// of the app is the FHIR API's (Security/FhirApiSecurity); each gets these answers, beside its own events.
/// </summary>
public static partial class FhirBearerEvents
{
    public const string Realm = "PatientVoice FHIR API";

    public static IServiceCollection AddFhirBearerChallenges(this IServiceCollection services)
    {
        services.PostConfigureAll<JwtBearerOptions>(options =>
        {
            options.Events ??= new JwtBearerEvents();
            options.Events.OnChallenge = ChallengeAsync;
            var failed = options.Events.OnAuthenticationFailed;
            options.Events.OnAuthenticationFailed = async context =>
            {
                LogRejected(Logger(context.HttpContext), context.Scheme.Name, context.Exception.GetType().Name);
                await failed(context);
            };
        });
        return services;
    }

    public static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var sent = !string.IsNullOrEmpty(http.Request.Headers.Authorization.ToString());
        var reason = Reason(context.AuthenticateFailure, sent);
        http.Response.Headers.WWWAuthenticate = sent
            ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"{reason}\""
            : $"Bearer realm=\"{Realm}\"";
        if (http.RequestServices.GetService<AuditTrail>() is { } audit)
        {
            await audit.RecordAsync(new AuditRecord(
                DateTimeOffset.UtcNow, "authenticate", http.Request.Method, null, null, null, StatusCodes.Status401Unauthorized,
                null, null, null, null, null, [http.Request.Path.Value ?? string.Empty]));
        }

        await FhirResult.Of(StatusCodes.Status401Unauthorized, OperationOutcomeExceptionHandler.Outcome(OperationOutcome.IssueType.Login,
            $"{reason} The FHIR API needs a bearer access token from a trusted issuer, with this API as its audience; see {FhirRequest.BaseUrl(http.Request)}/.well-known/smart-configuration.")).ExecuteAsync(http);
    }

    private static string Reason(Exception? failure, bool sent) => failure switch
    {
        _ when !sent => "No access token was sent.",
        SecurityTokenExpiredException => "The access token has expired.",
        SecurityTokenNotYetValidException => "The access token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The access token is not meant for this API (audience).",
        SecurityTokenInvalidIssuerException => "The access token's issuer is not trusted here.",
        SecurityTokenInvalidAlgorithmException => "The access token's signing algorithm is not accepted (asymmetric algorithms only).",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The access token's signature does not verify.",
        SecurityTokenNoExpirationException => "The access token has no expiry.",
        null => "The access token was not accepted.",
        _ => "The access token is not valid.",
    };

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FhirBearerEvents).FullName!);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token rejected by {Scheme}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string scheme, string reason);
}
