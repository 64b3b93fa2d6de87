using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// CDS Hooks 2.0: the sandbox chart shows PatientVoice's card; its SMART link's <c>appContext</c> goes through the EHR
/// launch to PatientVoice (token response <c>appContext</c>), which opens the part of the summary the card was about.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CdsCardLaunchTests(PortalFixture fixture)
{
    [Fact]
    public async Task The_cards_smart_link_opens_patientvoice_in_the_chart_at_the_agenda_the_card_was_about()
    {
        await SubmitBeforeYourVisitAsync("aisha-bello");
        var page = await fixture.NewPageAsync(width: 1280, height: 900);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.EhrUrl, "/chart/aisha-bello?user=dr-nguyen").AbsoluteUri);
            var link = page.Locator("button[data-smart-link]");
            await Assertions.Expect(link).ToHaveCountAsync(1);

            await link.ClickAsync();

            var frame = page.FrameLocator("iframe[title=PatientVoice]");
            await Assertions.Expect(frame.Locator("section#agenda")).ToBeVisibleAsync();
            var app = page.Frames.Single(f => f.Url.StartsWith(fixture.Stack.AppUrl.AbsoluteUri, StringComparison.Ordinal));
            Assert.Equal("/clinician", new Uri(app.Url).AbsolutePath);
            Assert.Equal("#agenda", new Uri(app.Url).Fragment);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task SubmitBeforeYourVisitAsync(string patient)
    {
        var json = File.ReadAllText(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, "before-your-visit.json"))
            .Replace("\"id\": \"before-your-visit-completed\",", string.Empty, StringComparison.Ordinal)
            .Replace("Patient/example-patient", "Patient/" + patient, StringComparison.Ordinal)
            .Replace("RelatedPerson/example-daughter", "Patient/" + patient, StringComparison.Ordinal)
            .Replace("\"code\": \"family-or-friend\"", "\"code\": \"self\"", StringComparison.Ordinal)
            .Replace("\"A family member or friend, for me\"", "\"Me\"", StringComparison.Ordinal);
        using var fhir = fixture.Stack.FhirClient();
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
        using var response = await fhir.PostAsync("QuestionnaireResponse", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
