using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PatientVoice.Sandbox.Authorization;
using PatientVoice.Sandbox.Seeding;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Pages;

/// <summary>A patient shown in the picker.</summary>
public sealed record PickablePatient(string Id, string Name, string BirthDate);

/// <summary>
/// The EHR's patient picker for a practitioner's standalone launch that asks for <c>launch/patient</c>: lists the
/// patients and posts the authorize request back with <c>patient_picked</c>. Shown only to a signed-in practitioner
/// (or one named by the test login, <c>sandbox_user</c>, when <c>Sandbox:AllowTestLogin</c> is on).
/// </summary>
public sealed class PatientPickerModel(SandboxUserDirectory users, IOptions<SandboxOptions> options) : PageModel
{
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private set; } = [];

    public IReadOnlyList<PickablePatient> Patients { get; private set; } = [];

    public string ClientId { get; private set; } = "";

    public string UserName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var testLogin = options.Value.AllowTestLogin ? users.Find(Request.Query[AuthorizeEndpoint.TestUserParameter].ToString()) : null;
        var login = await HttpContext.AuthenticateAsync(AuthorizeEndpoint.LoginScheme);
        if ((testLogin ?? users.Find(login.Principal?.Identity?.Name)) is not { Kind: SandboxUserKind.Practitioner } user)
        {
            return Challenge(AuthorizeEndpoint.LoginScheme);
        }

        UserName = user.DisplayName;
        ClientId = Request.Query["client_id"].ToString();
        Parameters = Request.Query
            .Where(q => q.Key is not (AuthorizeEndpoint.ConsentParameter or AuthorizeEndpoint.AntiforgeryFormField or AuthorizeEndpoint.PickedPatientParameter))
            .Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())).ToList();
        Patients = EhrSeedData.Patients.Select(p => new PickablePatient(p.Id, p.DisplayName, p.BirthDate)).ToList();
        return Page();
    }
}
