namespace PatientVoice.Web.Launch;

/// <summary>Why a launch could not open PatientVoice: each has its own page text (<see cref="Localization.LaunchText"/>) and status.</summary>
public enum LaunchFailure
{
    /// <summary><c>/launch</c> without <c>iss</c>, or a standalone start naming no configured EHR.</summary>
    MissingParameters,

    /// <summary>The <c>iss</c> is not a configured EHR: refused before anything is fetched.</summary>
    UnknownEhr,

    /// <summary>The user declined at the EHR (<c>error=access_denied</c>).</summary>
    ConsentDenied,

    /// <summary>The EHR answered the authorize request with another error (e.g. an unknown or expired <c>launch</c>).</summary>
    AuthorizationFailed,

    /// <summary>The callback's <c>state</c> is missing, unknown, already used, or not this browser's.</summary>
    StateInvalid,

    /// <summary>The pending launch outlived <c>Smart:PendingLaunchLifetime</c>.</summary>
    LaunchExpired,

    /// <summary>The EHR could not be reached (discovery or token endpoint down, timing out, or 5xx).</summary>
    EhrUnreachable,

    /// <summary>The EHR's smart-configuration is unusable (not https, no S256, …).</summary>
    EhrMisconfigured,

    /// <summary>The token endpoint refused the code or the client.</summary>
    TokenRefused,

    /// <summary>A launch for the patient pages (or by a patient or family member) whose token response names no <c>patient</c>.</summary>
    NoPatientContext,

    /// <summary>The token response did not say who the user is: no <c>fhirUser</c> in the id_token.</summary>
    NoFhirUser,
}

public static class LaunchFailures
{
    /// <summary>The HTTP status of a failure's page.</summary>
    public static int Status(this LaunchFailure failure) => failure switch
    {
        LaunchFailure.ConsentDenied or LaunchFailure.NoPatientContext or LaunchFailure.NoFhirUser => StatusCodes.Status403Forbidden,
        LaunchFailure.EhrUnreachable => StatusCodes.Status503ServiceUnavailable,
        LaunchFailure.EhrMisconfigured or LaunchFailure.TokenRefused => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>A stable code shown on the page (to quote to support) and logged.</summary>
    public static string Code(this LaunchFailure failure) => failure switch
    {
        LaunchFailure.MissingParameters => "missing-parameters",
        LaunchFailure.UnknownEhr => "unknown-ehr",
        LaunchFailure.ConsentDenied => "consent-denied",
        LaunchFailure.AuthorizationFailed => "authorization-failed",
        LaunchFailure.StateInvalid => "state-invalid",
        LaunchFailure.LaunchExpired => "launch-expired",
        LaunchFailure.EhrUnreachable => "ehr-unreachable",
        LaunchFailure.EhrMisconfigured => "ehr-misconfigured",
        LaunchFailure.TokenRefused => "token-refused",
        LaunchFailure.NoPatientContext => "no-patient-context",
        _ => "no-fhir-user",
    };
}
