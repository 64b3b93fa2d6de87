using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace PatientVoice.Web.Patients;

/// <summary>
/// Which earlier response a form was pre-filled from, sealed by the server for the round trip through the browser
/// (LHC-Forms does not keep a response's extensions). The browser hands the value back with the first draft; it
/// cannot read, forge or move it to another patient or form, so <c>pv-carried-forward-from</c> stays the server's
/// word (docs/adr/0008, 0019). Later drafts keep what the stored draft says.
/// </summary>
public sealed class FormStart(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("PatientVoice.Web.Patients.FormStart.v1");

    /// <summary>The sealed value for a form opened from <paramref name="carriedFrom"/> (<c>QuestionnaireResponse/{id}</c>), or null when it started from nothing.</summary>
    public string? Seal(PatientContext context, PatientQuestionnaire form, string? carriedFrom)
        => carriedFrom is null ? null : _protector.Protect(string.Join('\n', context.PatientReference, form.Questionnaire.Url, carriedFrom));

    /// <summary>The response the form started from, when <paramref name="sealedValue"/> was sealed for this patient and form; else null.</summary>
    public string? Open(PatientContext context, PatientQuestionnaire form, string? sealedValue)
    {
        if (string.IsNullOrEmpty(sealedValue))
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(sealedValue).Split('\n');
            return parts.Length == 3 && parts[0] == context.PatientReference && parts[1] == form.Questionnaire.Url ? parts[2] : null;
        }
        catch (CryptographicException)
        {
            return null; // tampered with, or sealed by a key this deployment no longer has: the form started from nothing
        }
    }
}
