namespace PatientVoice.Smart.Launch;

/// <summary>
/// A successful token response (SMART App Launch 2.2 §Obtain access token), with the launch context. Holds
/// secrets: never log it (its <see cref="ToString"/> leaves them out).
/// </summary>
public sealed record SmartTokenResponse
{
    public required string AccessToken { get; init; }

    /// <summary><c>expires_in</c>; null when the server did not say.</summary>
    public TimeSpan? ExpiresIn { get; init; }

    /// <summary>The scopes granted (the server's <c>scope</c>; space-separated).</summary>
    public required string Scope { get; init; }

    public string? Patient { get; init; }

    public string? Encounter { get; init; }

    public IReadOnlyList<FhirContextItem> FhirContext { get; init; } = [];

    /// <summary>
    /// <c>appContext</c>: what a CDS Hooks card's SMART link said the launch is about (CDS Hooks 2.0: the EHR passes the
    /// link's <c>appContext</c> in the token response, beside the other launch parameters). Opaque to the EHR.
    /// </summary>
    public string? AppContext { get; init; }

    public bool NeedPatientBanner { get; init; }

    public string? SmartStyleUrl { get; init; }

    public string? IdToken { get; init; }

    public string? RefreshToken { get; init; }

    /// <summary>The <c>fhirUser</c> claim of the id_token (as the EHR wrote it: relative or absolute), when there is one.</summary>
    public string? FhirUser { get; init; }

    public override string ToString()
        => $"token (scope '{Scope}', expires in {ExpiresIn?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} s, refresh {(RefreshToken is null ? "no" : "yes")})";
}
