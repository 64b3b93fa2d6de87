using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.Chart;

namespace PatientVoice.Sandbox.Pages;

public sealed class ChartModel(PatientChartReader reader) : PageModel
{
    public PatientChart? Chart { get; private set; }

    public async Task<IActionResult> OnGetAsync(string patientId, CancellationToken cancellationToken)
    {
        Chart = await reader.ReadAsync(patientId, cancellationToken);
        return Chart is null ? NotFound() : Page();
    }
}
