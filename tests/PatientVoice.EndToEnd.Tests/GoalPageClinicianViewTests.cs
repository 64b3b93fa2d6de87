using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// A goal the patient adds on My goals (not through a questionnaire) is in the clinician view for that patient, written
/// by the patient (issue 13: James Okafor added goals and the clinician view showed none).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class GoalPageClinicianViewTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_goal_the_patient_adds_on_my_goals_is_shown_to_the_clinician_as_written_by_the_patient()
    {
        var words = "Walk to the market on Saturdays " + Guid.NewGuid().ToString("N")[..6];
        var patient = await fixture.LaunchAsync("james-okafor", "james-okafor");
        IPage? clinician = null;
        try
        {
            await patient.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/goals").AbsoluteUri);
            await patient.FillAsync("#Description", words);
            await patient.FillAsync("#Why", "I miss seeing my friends there");
            await patient.ClickAsync("#pv-add-goal");
            await patient.ArriveAsync("**/patient/goals?added=*");

            var launch = await fixture.Stack.PortalLaunchUrlAsync("james-okafor", "dr-patel");
            clinician = await fixture.NewPageAsync(width: 1280, height: 900);
            await clinician.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
            await clinician.ArriveAsync("**/clinician");

            var goal = clinician.Locator("#goals article.goal").Filter(new() { HasText = words });
            await Assertions.Expect(goal).ToHaveCountAsync(1);
            await Assertions.Expect(goal.Locator("blockquote.words").First).ToHaveTextAsync(words);
            await Assertions.Expect(goal).ToContainTextAsync("I miss seeing my friends there");
            await Assertions.Expect(goal.Locator(".badge")).ToContainTextAsync("Written by the patient");
            await Assertions.Expect(clinician.Locator("#changes")).ToContainTextAsync(words);
        }
        finally
        {
            await patient.Context.CloseAsync();
            if (clinician is not null)
            {
                await clinician.Context.CloseAsync();
            }
        }
    }
}
