using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>What I know about my conditions, grouped by condition, as the patient said it.</summary>
public sealed class ConditionsModel(PatientContextAccessor contexts, PatientObservations observations) : PatientPageModel(contexts)
{
    public IReadOnlyList<IGrouping<string?, PatientStatement>> ByCondition { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => ByCondition = (await observations.SelfKnowledgeAsync(Patient, cancellationToken)).GroupBy(s => s.About).ToList();
}
