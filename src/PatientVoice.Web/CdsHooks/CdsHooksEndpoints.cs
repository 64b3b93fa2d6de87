using System.Text.Json;
using Microsoft.Extensions.Options;
using PatientVoice.Application.Clinicians.Summary;

namespace PatientVoice.Web.CdsHooks;

/// <summary>
/// CDS Hooks 2.0: <c>GET /cds-services</c> (discovery, open) and <c>POST /cds-services/{id}</c> (a hook call, only
/// with the EHR's signed JWT). A call answers <c>{"cards": []}</c> when the patient has shared nothing to see.
/// </summary>
public static partial class CdsHooksEndpoints
{
    public const string Path = "/cds-services";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).ExcludeFromDescription();
        group.MapGet("/", () => Results.Json(new { services = CdsServiceCatalog.Services }, Json));
        group.MapPost("/{id}", CallAsync);
        return app;
    }

    private static async Task<IResult> CallAsync(
        string id,
        HttpRequest request,
        CdsJwtValidator validator,
        ClinicianSummaryReader summaries,
        IOptions<CdsHooksOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var service = CdsServiceCatalog.Find(id);
        if (service is null)
        {
            return Results.Json(new { error = "not_found", error_description = $"No CDS service '{id}'." }, Json, statusCode: StatusCodes.Status404NotFound);
        }

        var baseUrl = BaseUrl(request, options.Value);
        if (await validator.RejectAsync(request, $"{baseUrl}{Path}/{service.Id}", cancellationToken) is { } refusal)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{refusal}\"";
            return Results.Json(new { error = "invalid_token", error_description = refusal }, Json, statusCode: StatusCodes.Status401Unauthorized);
        }

        var call = await CdsHookRequest.ReadAsync(request, cancellationToken);
        if (call.Error is { } problem)
        {
            return Results.Json(new { error = "invalid_request", error_description = problem }, Json, statusCode: StatusCodes.Status400BadRequest);
        }

        if (call.Hook != service.Hook)
        {
            return Results.Json(new { error = "invalid_request", error_description = $"This service answers '{service.Hook}', not '{call.Hook}'." }, Json, statusCode: StatusCodes.Status400BadRequest);
        }

        var summary = await summaries.ReadAsync("Patient/" + call.PatientId, cancellationToken);
        var card = CdsCardBuilder.For(summary, service.Hook, new Uri(baseUrl + "/launch/clinician"));
        LogAnswered(loggers.CreateLogger(typeof(CdsHooksEndpoints)), service.Id, card is null ? 0 : 1);
        return Results.Json(new CdsResponse(card is null ? [] : [card]), Json);
    }

    /// <summary>Our base URL as the EHR addressed it: <c>CdsHooks:BaseUrl</c>, else this request's scheme, host and path base.</summary>
    public static string BaseUrl(HttpRequest request, CdsHooksOptions options) =>
        !string.IsNullOrWhiteSpace(options.BaseUrl) ? options.BaseUrl.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "CDS Hooks: {Service} answered with {Cards} cards")]
    private static partial void LogAnswered(ILogger logger, string service, int cards);
}
