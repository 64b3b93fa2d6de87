using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>My preferences: how the patient wants their care, as they said it in "My care preferences".</summary>
public sealed class PreferencesModel(PatientContextAccessor contexts, PatientObservations observations) : PatientPageModel(contexts)
{
    public IReadOnlyList<PatientStatement> Statements { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Statements = await observations.PreferencesAsync(Patient, cancellationToken);
}
