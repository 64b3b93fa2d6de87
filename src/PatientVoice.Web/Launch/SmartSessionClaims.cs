namespace PatientVoice.Web.Launch;

/// <summary>
/// The claims in the session cookie: just enough for authorization policies. Everything else (tokens included)
/// is in the server-side record the <see cref="SessionId"/> names.
/// </summary>
public static class SmartSessionClaims
{
    public const string SessionId = "sid";

    /// <summary>A <see cref="SessionRole"/> name: Patient, RelatedPerson or Practitioner.</summary>
    public const string Role = "pv_role";

    /// <summary>The patient id in context, when there is one.</summary>
    public const string Patient = "pv_patient";

    /// <summary>A policy met by any session (pages shared by patients and clinicians, and <c>GET /session</c>).</summary>
    public const string AnySessionPolicy = "AnySmartSession";
}
