using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Application.Invitations;
using PatientVoice.Web.Launch;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Web.Invitations;

/// <summary>
/// A patient session made from a one-time link instead of a SMART launch (docs/adr/0029): the same server-side
/// session and cookie the patient pages know, with the invitation, its one questionnaire and the patient's language,
/// and no EHR token at all. The patient pages then serve it as they serve a launched patient, within the link's scope.
/// </summary>
public sealed class LinkSessions(SmartSessionStore sessions, AuditTrail audit, TimeProvider time)
{
    /// <summary>What a link session names as its "EHR" (audit records' issuer): no EHR is behind it.</summary>
    public static readonly Uri LinkIssuer = new("urn:patientvoice:one-time-link");

    public const string AuditClient = "patientvoice-link";

    public async Task StartAsync(HttpContext http, Invitation invitation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var session = new SmartSession
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
            Ehr = "one-time-link",
            FhirBaseUrl = LinkIssuer,
            Patient = invitation.PatientReference["Patient/".Length..],
            FhirUser = invitation.PatientReference,
            Invitation = invitation.Id,
            InvitationQuestionnaire = invitation.Questionnaire,
            PreferredLanguage = invitation.Language,
        };
        // No EHR token: the access token is empty and never refreshed (EhrFhirClient refuses link sessions before asking).
        await sessions.SaveAsync(new StoredSmartSession(session, "", DateTimeOffset.MaxValue, null), cancellationToken);
        await SmartLaunchHandler.SignInAsync(http, session);
    }

    /// <summary>Audits a use of a link (ids only: never the token, never a birth date).</summary>
    public void Audit(HttpContext http, Invitation? invitation, string what)
    {
        var method = http.Request.Method;
        var patient = invitation?.PatientReference["Patient/".Length..];
        http.Response.OnCompleted(() => audit.RecordAsync(new AuditRecord(
            time.GetUtcNow(),
            HttpMethods.IsGet(method) ? AuditRecord.PageView : AuditRecord.PageChange,
            method,
            invitation is null ? null : "Task",
            invitation?.Id,
            null,
            http.Response.StatusCode,
            LinkIssuer.ToString(),
            AuditClient,
            null,
            invitation?.PatientReference,
            patient,
            [$"{method} /i ({what})"])).AsTask());
    }
}
