using PatientVoice.Fhir.Errors;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Web.Security;

/// <summary>
/// Puts every endpoint of the FHIR route group through <see cref="IFhirAccessPolicy"/>: reads the validated
/// token into a <see cref="FhirAccessGrant"/> for the request, asks the policy, and, once the response is
/// complete, hands the request's audit record (with its final status, refusals included) to the audit trail.
/// </summary>
public sealed class FhirAccessFilter(IFhirAccessPolicy policy, AuditTrail audit, TimeProvider time) : IEndpointFilter
{
    public async System.Threading.Tasks.ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unknown";
        var values = http.Request.RouteValues;
        if (http.User.Identity?.IsAuthenticated == true && FhirAccessGrant.Get(http) is null)
        {
            http.Features.Set(FhirAccessGrant.FromPrincipal(http.User));
        }

        if (!FhirInteractionRule.For(interaction).Open)
        {
            var entries = new List<string>();
            http.Features.Set(new AuditEntries(entries));
            var type = values["type"] as string ?? FixedType(interaction);
            var id = values["id"] as string;
            http.Response.OnCompleted(() => audit.RecordAsync(Describe(http, time.GetUtcNow(), interaction, type, id, entries)).AsTask());
        }

        await policy.AuthorizeAsync(new FhirAccessRequest(http, interaction, values["type"] as string ?? FixedType(interaction), values["id"] as string), http.RequestAborted);
        return await next(context);
    }

    /// <summary>
    /// Checks one Bundle entry as if it were its own request (its interaction, type and id), and notes it for
    /// the audit record of the Bundle. A refusal is the entry's failure (a transaction's whole failure).
    /// </summary>
    public static async Task AuthorizeEntryAsync(IFhirAccessPolicy policy, HttpContext http, Hl7.Fhir.Model.Bundle.HTTPVerb? method, string type, string? id, CancellationToken cancellationToken)
    {
        var interaction = FhirInteractionRule.ForBundleEntry(method, id is not null);
        var note = $"{method} {type}{(id is null ? string.Empty : "/" + id)}";
        try
        {
            await policy.AuthorizeAsync(new FhirAccessRequest(http, interaction, type, id), cancellationToken);
            http.Features.Get<AuditEntries>()?.Items.Add(note);
        }
        catch (FhirException e)
        {
            http.Features.Get<AuditEntries>()?.Items.Add($"{note}: refused {e.StatusCode}");
            throw;
        }
    }

    // Operations whose route names the type in its path rather than a {type} value.
    private static string? FixedType(string interaction) => interaction switch
    {
        _ when interaction.StartsWith("extract-", StringComparison.Ordinal) => "QuestionnaireResponse",
        "export-group" => "Group",
        _ when interaction.StartsWith("invite", StringComparison.Ordinal) => "Task",
        _ when interaction.StartsWith("subscription-", StringComparison.Ordinal) => "Subscription",
        _ when interaction.StartsWith("measure-", StringComparison.Ordinal) => "MeasureReport",
        _ => null,
    };

    private static AuditRecord Describe(HttpContext http, DateTimeOffset now, string interaction, string? type, string? id, List<string> entries)
    {
        var grant = FhirAccessGrant.Get(http);
        var status = http.Response.StatusCode;
        if (id is null && interaction == "create" && status == StatusCodes.Status201Created
            && http.Response.Headers.Location.ToString() is { Length: > 0 } location)
        {
            // .../Goal/{id}/_history/{v}: the id the server gave.
            var segments = location.Split('/');
            id = segments.Length >= 4 && segments[^2] == "_history" ? segments[^3] : null;
        }

        var query = interaction.StartsWith("search", StringComparison.Ordinal) || interaction.StartsWith("conditional", StringComparison.Ordinal) || interaction.StartsWith("history", StringComparison.Ordinal)
            ? http.Request.QueryString.Value?.TrimStart('?') ?? string.Empty
            : null;
        return new AuditRecord(now, interaction, http.Request.Method, type, id, query, status,
            grant?.Issuer, grant?.ClientId, grant?.Subject, grant?.FhirUser, grant?.Patient, [.. entries]);
    }

    /// <summary>The Bundle entries checked for this request, for its audit record.</summary>
    private sealed record AuditEntries(List<string> Items);
}
