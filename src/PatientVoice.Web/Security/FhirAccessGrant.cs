using System.Security.Claims;
using System.Text.RegularExpressions;
using PatientVoice.Smart.Scopes;

namespace PatientVoice.Web.Security;

/// <summary>
/// What one validated access token lets its bearer do here: its scopes, and the context they apply in
/// (the patient of <c>patient/</c> scopes, the user of <c>user/</c> scopes). Built once per request from the
/// token's claims; held in the request's features (<see cref="Get"/>).
/// </summary>
/// <param name="Patient">The <c>patient</c> claim (the launch or signed-in patient), an id as the EHR names it.</param>
/// <param name="FhirUser">The <c>fhirUser</c> claim as <c>Type/id</c> (an absolute URL is cut to its last two segments).</param>
public sealed partial record FhirAccessGrant(string? Issuer, string? ClientId, string? Subject, string? FhirUser, string? Patient, SmartScopeSet Scopes)
{
    /// <summary>The audit trail is reached only by a scope that names AuditEvent in the system context; <c>*</c> does not reach it.</summary>
    public const string AuditEventType = "AuditEvent";

    private static readonly string[] ScopeClaims = ["scope", "scp", "roles", "http://schemas.microsoft.com/identity/claims/scope", ClaimTypes.Role];

    public static FhirAccessGrant? Get(HttpContext http) => http.Features.Get<FhirAccessGrant>();

    public static FhirAccessGrant FromPrincipal(ClaimsPrincipal user)
    {
        var scopes = ScopeClaims.SelectMany(type => user.FindAll(type))
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(FromEntraForm)
            .Distinct(StringComparer.Ordinal);
        return new FhirAccessGrant(
            user.FindFirst("iss")?.Value ?? user.Claims.FirstOrDefault()?.Issuer,
            user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("appid")?.Value,
            user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value,
            ReferenceOf(user.FindFirst("fhirUser")?.Value),
            NonEmpty(user.FindFirst("patient")?.Value),
            SmartScopeParser.Parse(scopes));
    }

    /// <summary>
    /// Where the token may <paramref name="interactions"/> on <paramref name="resourceType"/>: the broadest
    /// reach among the contexts whose scopes grant every letter asked (system, then user, then patient).
    /// </summary>
    public AccessReach ReachFor(string resourceType, SmartInteractions interactions)
    {
        foreach (var context in Scopes.ContextsPermitting(resourceType, interactions))
        {
            if (resourceType == AuditEventType && !NamesAuditEvent(context, interactions))
            {
                continue;
            }

            var reach = ReachOf(context);
            if (reach.Granted)
            {
                return reach;
            }
        }

        return AccessReach.None;
    }

    /// <summary>Where the token reaches at all, whatever the type and letters (its broadest context): decides 403 against 404.</summary>
    public AccessReach BaseReach
    {
        get
        {
            var contexts = Scopes.Contexts;
            foreach (var context in new[] { SmartScopeContext.System, SmartScopeContext.User, SmartScopeContext.Patient })
            {
                if (contexts.Contains(context) && ReachOf(context) is { Granted: true } reach)
                {
                    return reach;
                }
            }

            return AccessReach.None;
        }
    }

    /// <summary>
    /// The patients a context reaches. <c>system/</c>: all. <c>user/</c>: a Practitioner (or PractitionerRole)
    /// user all the patients this server holds (there is no care-team model here: the EHR that issued the token
    /// decided who may launch); a Patient user only themself; a RelatedPerson user only the patient in the
    /// token's context (whom they act for); no fhirUser, nobody. <c>patient/</c>: the token's patient, or nobody.
    /// </summary>
    public AccessReach ReachOf(SmartScopeContext context) => context switch
    {
        SmartScopeContext.System => AccessReach.AllPatients,
        SmartScopeContext.User => FhirUserType switch
        {
            "Practitioner" or "PractitionerRole" => AccessReach.AllPatients,
            "Patient" => AccessReach.Patient(FhirUser!.Split('/')[1]),
            "RelatedPerson" when Patient is not null => AccessReach.Patient(Patient),
            _ => AccessReach.None,
        },
        _ => Patient is null ? AccessReach.None : AccessReach.Patient(Patient),
    };

    private string? FhirUserType => FhirUser?.Split('/')[0];

    private bool NamesAuditEvent(SmartScopeContext context, SmartInteractions interactions)
        => context == SmartScopeContext.System
            && Scopes.ResourceScopes.Any(s => s.ResourceType == AuditEventType && s.Grants(context, AuditEventType, interactions));

    // Entra ID scope and app-role names cannot hold '/': "patient.Goal.rs", "system.all.read" stand for "patient/Goal.rs", "system/*.read".
    private static string FromEntraForm(string scope)
    {
        var match = EntraScopePattern().Match(scope);
        return !match.Success ? scope : $"{match.Groups[1].Value}/{(match.Groups[2].Value == "all" ? "*" : match.Groups[2].Value)}.{match.Groups[3].Value}";
    }

    private static string? ReferenceOf(string? fhirUser)
    {
        if (string.IsNullOrWhiteSpace(fhirUser))
        {
            return null;
        }

        var segments = fhirUser.TrimEnd('/').Split('/');
        return segments.Length >= 2 ? $"{segments[^2]}/{segments[^1]}" : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [GeneratedRegex(@"^(patient|user|system)\.(all|[A-Z][A-Za-z]+)\.(read|write|\*|[cruds]{1,5})$", RegexOptions.CultureInvariant)]
    private static partial Regex EntraScopePattern();
}
