using Hl7.Fhir.Model;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Patients;

/// <summary>
/// A clinician's name as the EHR gives it (<c>Dr. Priya Patel</c>), for the patient pages: the reference's display
/// when it has one, else the Practitioner read from the session's EHR. Null when the EHR cannot say: the pages then
/// speak of "your care team". Each reference is read at most once per request.
/// </summary>
public sealed partial class CareTeamNames(IEhrFhirClient ehr, ILogger<CareTeamNames> logger)
{
    private readonly Dictionary<string, string?> _known = new(StringComparer.Ordinal);

    /// <summary>The name for <paramref name="who"/>: a display (used as it is) or a reference such as <c>Practitioner/dr-patel</c>.</summary>
    public async Task<string?> NameAsync(SmartSession session, string? who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrWhiteSpace(who))
        {
            return null;
        }

        if (!LooksLikeReference(who))
        {
            return who;
        }

        if (_known.TryGetValue(who, out var known))
        {
            return known;
        }

        string? name = null;
        try
        {
            // PractitionerRole is not read (not in EhrReadTypes, so not asked for at launch): "your care team".
            if (who.Split('/')[^2] == "PractitionerRole")
            {
                _known[who] = null;
                return null;
            }

            name = await ehr.ReadAsync(session, who, cancellationToken) switch
            {
                Practitioner p => Format(p.Name),
                RelatedPerson r => Format(r.Name),
                Patient p => Format(p.Name),
                _ => null,
            };
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            // A name is a courtesy: the page says "your care team" instead.
            LogNameUnavailable(who.Split('/')[0], failure.GetType().Name);
        }

        _known[who] = name;
        return name;
    }

    /// <summary>How people write a name: the text the EHR gives, else prefix, given names and family name.</summary>
    public static string? Format(IEnumerable<HumanName> names)
    {
        var name = names.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? names.FirstOrDefault();
        if (name is null)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(name.Text))
        {
            return name.Text;
        }

        var joined = string.Join(' ', name.Prefix.Concat(name.Given).Append(name.Family).Where(s => !string.IsNullOrWhiteSpace(s)));
        return joined.Length > 0 ? joined : null;
    }

    // "Practitioner/dr-patel" (or an absolute URL ending so) is a reference; anything else a display.
    private static bool LooksLikeReference(string who)
    {
        var parts = who.Split('/');
        return parts.Length >= 2 && parts[^2] is "Practitioner" or "PractitionerRole" or "RelatedPerson" or "Patient" && !parts[^1].Contains(' ', StringComparison.Ordinal);
    }

    [LoggerMessage(EventId = 6050, Level = LogLevel.Warning, Message = "Patient home: the name of a {ResourceType} could not be read from the EHR ({Failure})")]
    private partial void LogNameUnavailable(string resourceType, string failure);
}
