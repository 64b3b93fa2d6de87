using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages;

/// <summary><c>/licences</c>: the notices of what PatientVoice ships from others (LHC-Forms), as a page a person reads.</summary>
public sealed class LicencesModel(IWebHostEnvironment environment) : PageModel
{
    public string LFormsLicence { get; private set; } = string.Empty;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var file = environment.WebRootFileProvider.GetFileInfo($"lib/lforms/{PatientText.LFormsVersion}/LICENSE.md");
        if (file.Exists)
        {
            await using var stream = file.CreateReadStream();
            using var reader = new StreamReader(stream);
            LFormsLicence = await reader.ReadToEndAsync(cancellationToken);
        }
    }
}
