using System.Text.RegularExpressions;

namespace PatientVoice.Web.Launch;

/// <summary>
/// The <c>fhirUser</c> claim as a relative reference (<c>Practitioner/dr-patel</c>). SMART says it is an absolute
/// URL; some EHRs (the sandbox) send it relative. Only the user types SMART names are accepted.
/// </summary>
public static partial class FhirUserReference
{
    public static string? Normalize(string? fhirUser)
    {
        if (string.IsNullOrWhiteSpace(fhirUser))
        {
            return null;
        }

        var relative = fhirUser;
        if (Uri.TryCreate(fhirUser, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var path = url.GetLeftPart(UriPartial.Path).TrimEnd('/');
            var segments = path.Split('/');
            relative = segments.Length >= 2 ? $"{segments[^2]}/{segments[^1]}" : "";
        }

        return Pattern().IsMatch(relative) ? relative : null;
    }

    [GeneratedRegex(@"^(Patient|RelatedPerson|Practitioner|PractitionerRole)/[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex Pattern();
}
