using PatientVoice.Application.Goals;
using System.ComponentModel.DataAnnotations;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>My goals: the goals in the patient's words, and a form to add one.</summary>
public sealed class GoalsModel(PatientContextAccessor contexts, PatientGoals goals) : PatientPageModel(contexts)
{
    public IReadOnlyList<(Goal Goal, StoredResource Stored)> Open { get; private set; } = [];

    public IReadOnlyList<(Goal Goal, StoredResource Stored)> Closed { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "GoalRequired")]
    [StringLength(1000)]
    public string? Description { get; set; }

    [BindProperty]
    [StringLength(2000)]
    public string? Why { get; set; }

    public bool Added { get; private set; }

    public async Task OnGetAsync(bool added, CancellationToken cancellationToken)
    {
        Added = added;
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid || string.IsNullOrWhiteSpace(Description))
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        try
        {
            await goals.AddAsync(Patient.Actor, Description, Why, cancellationToken);
        }
        catch (FhirException)
        {
            ModelState.AddModelError(nameof(Description), "GoalNotSaved");
            await LoadAsync(cancellationToken);
            return Page();
        }

        return RedirectToPage(new { added = true });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var all = await goals.ListAsync(Patient.Actor, cancellationToken);
        Open = all.Where(g => PatientGoals.IsOpen(g.Goal)).ToList();
        Closed = all.Where(g => !PatientGoals.IsOpen(g.Goal)).ToList();
    }
}
