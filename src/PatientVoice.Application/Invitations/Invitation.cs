namespace PatientVoice.Application.Invitations;

/// <summary>What a person must show before a link opens the form.</summary>
public enum InvitationCheck
{
    /// <summary>The patient's date of birth (the default).</summary>
    BirthDate,

    /// <summary>Nothing: a kiosk or tablet handed over in the clinic.</summary>
    None,
}

/// <summary>Where an invitation stands. Only <see cref="Open"/> and <see cref="Opened"/> let the link in.</summary>
public enum InvitationState
{
    Open,
    Opened,
    Submitted,
    Revoked,
    Expired,
}

/// <summary>
/// A one-time link for one patient and one visit (docs/adr/0029), as stored: a FHIR Task (<see cref="InvitationTask"/>).
/// The token itself is never held, only its hash.
/// </summary>
public sealed record Invitation
{
    /// <summary>The Task's id.</summary>
    public required string Id { get; init; }

    public required int Version { get; init; }

    /// <summary><c>Patient/{id}</c> as the EHR names it.</summary>
    public required string PatientReference { get; init; }

    /// <summary>The questionnaire's canonical URL (no version): the only form the link opens.</summary>
    public required string Questionnaire { get; init; }

    public required DateOnly VisitDate { get; init; }

    /// <summary>The clinic's name as the inviter gave it (shown on the link's pages; the only other thing they show is the visit date).</summary>
    public required string Clinic { get; init; }

    /// <summary><c>en</c> or <c>es</c>.</summary>
    public required string Language { get; init; }

    public required InvitationCheck Check { get; init; }

    /// <summary>The end of the link's life (after the visit day).</summary>
    public required DateTimeOffset Expires { get; init; }

    public required InvitationState StoredState { get; init; }

    /// <summary>The response the link submitted (<c>QuestionnaireResponse/{id}</c>), once submitted.</summary>
    public string? Response { get; init; }

    /// <summary>Who created it (<c>Practitioner/…</c>), when a person did.</summary>
    public string? Requester { get; init; }

    public DateTimeOffset Created { get; init; }

    internal string TokenHash { get; init; } = "";

    internal string? BirthDateCheck { get; init; }

    /// <summary>The state at <paramref name="now"/>: an open invitation past its end is expired.</summary>
    public InvitationState StateAt(DateTimeOffset now)
        => StoredState is InvitationState.Open or InvitationState.Opened && now >= Expires ? InvitationState.Expired : StoredState;

    public bool IsUsableAt(DateTimeOffset now) => StateAt(now) is InvitationState.Open or InvitationState.Opened;
}

/// <summary>What the inviter asks for.</summary>
/// <param name="PatientReference"><c>Patient/{id}</c>.</param>
/// <param name="Questionnaire">A questionnaire's canonical URL, or null for "before your visit".</param>
/// <param name="BirthDate">Needed when <paramref name="Check"/> is <see cref="InvitationCheck.BirthDate"/>.</param>
/// <param name="Requester"><c>Practitioner/…</c> when a person invites from the clinician pages; null for a system client.</param>
public sealed record InvitationRequest(
    string PatientReference,
    DateOnly VisitDate,
    string Clinic,
    string Language,
    InvitationCheck Check,
    DateOnly? BirthDate,
    string? Questionnaire = null,
    string? Requester = null);

/// <summary>A new invitation and its link's token (the only time the token exists outside the patient's message).</summary>
public sealed record CreatedInvitation(Invitation Invitation, string Token);
