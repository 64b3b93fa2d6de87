using Hl7.Fhir.Model;
using PatientVoice.Application.Submit;

namespace PatientVoice.Web.Security;

/// <summary>
/// Who a person's token may say typed a response (docs/adr/0014, 0030): a token that names its user (<c>fhirUser</c>)
/// writes a staff-typed QuestionnaireResponse (author a Practitioner or PractitionerRole) only in that user's own name —
/// a patient cannot pass their words off as entered by staff, nor one staff member type under another's name. A backend
/// integration (no user: a clinic kiosk, the EHR) records the staff member its own system says entered it.
/// Which patient it may be about is the token's reach, decided with every other write (<see cref="CompartmentResourceStore"/>).
/// </summary>
public static class StaffAttribution
{
    /// <exception cref="AccessDeniedException">The token's user is not the staff member the response names as author.</exception>
    public static void Check(FhirAccessGrant grant, Resource resource)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (resource is not QuestionnaireResponse response || !StaffEntry.IsTypedByStaff(response) || grant.FhirUser is not { } user)
        {
            return;
        }

        if (response.Author?.Reference is { } author && !string.Equals(user, author, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"This token is {user}'s: a response it writes can name as the staff member who typed it only {user}, not {author}.");
        }
    }
}
