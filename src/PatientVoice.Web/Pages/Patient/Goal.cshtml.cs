using PatientVoice.Application.Goals;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>One goal: change its words, mark it achieved or no longer relevant; every version listed.</summary>
public sealed class GoalModel(PatientContextAccessor contexts, PatientGoals goals) : PatientPageModel(contexts)
{
    public Goal Goal { get; private set; } = null!;

    public int Version { get; private set; }

    public IReadOnlyList<(Goal Goal, StoredResource Stored)> History { get; private set; } = [];

    public string? Problem { get; private set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? Why { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(id, cancellationToken);
            return Page();
        }
        catch (KeyNotFoundException)
        {
            return NotThePatients();
        }
    }

    public async Task<IActionResult> OnPostAsync(string id, int version, GoalChange change, CancellationToken cancellationToken)
    {
        try
        {
            if (change == GoalChange.Edit && string.IsNullOrWhiteSpace(Description))
            {
                Problem = "GoalRequired";
            }
            else
            {
                await goals.ChangeAsync(Patient.Actor, id, version, change, Description, Why, cancellationToken);
                return RedirectToPage(new { id });
            }
        }
        catch (KeyNotFoundException)
        {
            return NotThePatients();
        }
        catch (PreconditionFailedException)
        {
            Problem = "GoalChangedElsewhere";
        }
        catch (FhirException)
        {
            Problem = "GoalNotSaved";
        }

        await LoadAsync(id, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(string id, CancellationToken cancellationToken)
    {
        var (goal, stored) = await goals.RequireAsync(Patient.Actor, id, cancellationToken);
        Goal = goal;
        Version = stored.VersionId;
        Description ??= goal.Description?.Text;
        Why ??= PatientGoals.WhyOf(goal);
        History = await goals.HistoryAsync(Patient.Actor, id, cancellationToken);
    }
}
