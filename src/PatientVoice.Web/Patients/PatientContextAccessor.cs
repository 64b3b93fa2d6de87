using Hl7.Fhir.Model;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Patients;

/// <summary>Builds the <see cref="PatientContext"/> of a request once (kept in <see cref="HttpContext.Items"/>).</summary>
public sealed partial class PatientContextAccessor(ISmartSessionAccessor sessions, IEhrFhirClient ehr, ILogger<PatientContextAccessor> logger)
{
    private static readonly object Key = new();

    /// <summary>The context, or null when the request has no session with a patient in it.</summary>
    public async Task<PatientContext?> GetAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Items.TryGetValue(Key, out var cached))
        {
            return cached as PatientContext;
        }

        var session = await sessions.GetAsync(http, cancellationToken);
        PatientContext? context = null;
        // A practitioner's session serves the patient pages only for the patient of its launch context (Session.Patient, never
        // one chosen on the clinic list): staff answering with the patient (docs/adr/0030); the pages narrow it further.
        if (session?.PatientReference is { } patient)
        {
            var user = session.FhirUser is { Length: > 0 } fhirUser ? fhirUser : patient;
            if (session.IsLink)
            {
                // A one-time link reads nothing from the EHR (docs/adr/0029): no names, the language the invitation gave.
                context = new PatientContext(session, patient, user, null, null);
                http.Items[PreferredLanguageKey] = session.PreferredLanguage;
                http.Items[Key] = context;
                return context;
            }

            var patientResource = await ReadAsync(session, patient, cancellationToken) as Patient;
            var userResource = user == patient ? patientResource : await ReadAsync(session, user, cancellationToken);
            context = new PatientContext(session, patient, user, NameOf(patientResource), NameOf(userResource))
            {
                PatientResource = patientResource,
                UserResource = userResource,
            };
            http.Items[PreferredLanguageKey] = PreferredLanguage.Of(patientResource);
        }

        http.Items[Key] = context;
        return context;
    }

    /// <summary>Key of the patient's preferred language (<see cref="PreferredLanguage"/>: <c>en</c>, <c>es</c> or null) in <see cref="HttpContext.Items"/>.</summary>
    public static readonly object PreferredLanguageKey = new();

    private async Task<Resource?> ReadAsync(SmartSession session, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await ehr.ReadAsync(session, reference, cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            // The pages work without names: the EHR being slow or down must not stop a patient from answering.
            LogEhrReadFailed(reference.Split('/')[0], failure.GetType().Name);
            return null;
        }
    }

    private static string? NameOf(Resource? resource)
    {
        var name = resource switch
        {
            Patient p => p.Name.FirstOrDefault(),
            RelatedPerson r => r.Name.FirstOrDefault(),
            Practitioner p => p.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? p.Name.FirstOrDefault(),
            _ => null,
        };
        if (name is null)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(name.Text))
        {
            return name.Text;
        }

        var parts = name.Given.Append(name.Family).Where(p => !string.IsNullOrWhiteSpace(p));
        var joined = string.Join(' ', parts);
        return joined.Length > 0 ? joined : null;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Patient pages: reading {ResourceType} from the EHR failed ({Failure}); names left out")]
    private partial void LogEhrReadFailed(string resourceType, string failure);
}
