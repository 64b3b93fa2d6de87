using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Invitations;

/// <summary>
/// 410: a submission through a link whose invitation no longer lets it in (already submitted, revoked, expired) —
/// found inside the submission's own transaction, so nothing of it is stored (docs/adr/0029).
/// </summary>
public sealed class InvitationClosedException(InvitationState state)
    : FhirException(
        410,
        state == InvitationState.Expired ? OperationOutcome.IssueType.Expired : OperationOutcome.IssueType.Conflict,
        state switch
        {
            InvitationState.Submitted => "This link was already used: its answers were submitted. Nothing was stored.",
            InvitationState.Expired => "This link has expired. Nothing was stored.",
            _ => "This link was cancelled. Nothing was stored.",
        })
{
    /// <summary>Where the invitation stood when the submission was refused.</summary>
    public InvitationState State { get; } = state;
}
