using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Web.Tests.Uptake;

/// <summary>A FHIR server with a database of its own: only what the uptake tests store is counted.</summary>
public sealed class UptakeServerFixture : FhirServerFixture;

/// <summary>
/// The uptake report (docs/adr/0031) counts who answered and the way in from each submission's Provenance: a response
/// typed by staff (author a Practitioner: the Provenance names them as enterer) is "the patient with staff help", way in
/// "staff"; one the patient sends through the API is "the patient", "portal or API". Without an EHR to ask, race and
/// ethnicity are "not recorded" and the MeasureReport says they were not available.
/// </summary>
public sealed class UptakeCountTests(UptakeServerFixture server) : IClassFixture<UptakeServerFixture>
{
    [Fact]
    public async System.Threading.Tasks.Task Staff_typed_and_patient_sent_answers_are_counted_by_who_answered_and_way_in()
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var client = server.CreateFhirClient();
        for (var i = 0; i < 11; i++)
        {
            await SubmitAsync(client, "Practitioner/uptake-ma", "self-with-staff-help", "es");
            await SubmitAsync(client, "Patient/uptake-pat", "self", null);
        }

        using var response = await client.GetAsync($"Measure/patientvoice-uptake/$evaluate-measure?periodStart={today}&periodEnd={today}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var report = (MeasureReport)JsonSerializer.Deserialize<Resource>(text, FhirSerializer.JsonOptions)!;

        var submitted = report.Group.Single(g => g.Code!.Coding[0].Code == "submitted");
        Assert.Equal(22, submitted.Population[0].Count);
        Assert.Equal(new Dictionary<string, int?> { ["self"] = 11, ["family"] = 0, ["staff"] = 11 }, Strata(submitted, "respondent"));
        Assert.Equal(new Dictionary<string, int?> { ["link"] = 0, ["portal"] = 11, ["staff"] = 11 }, Strata(submitted, "channel"));
        // The staff-typed responses say Spanish; the others say nothing and no EHR was asked.
        Assert.Equal(new Dictionary<string, int?> { ["en"] = 0, ["es"] = 11, ["other"] = 11 }, Strata(submitted, "language"));
        Assert.Equal(22, Strata(submitted, "race")["not-recorded"]);
        Assert.Contains(report.Extension, e => e.Url == Application.Uptake.UptakeMeasureDefinition.DemographicsNotAvailable);
        Assert.Equal(0, report.Group.Single(g => g.Code!.Coding[0].Code == "invited").Population[0].Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_clinic_page_shows_nothing_without_a_clinicians_ehr_launch()
    {
        using var browser = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        browser.DefaultRequestHeaders.Authorization = new("Bearer", FhirServerFixture.Token("system/*.read"));

        using var page = await browser.GetAsync("/clinician/uptake");

        Assert.NotEqual(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("<table", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Dictionary<string, int?> Strata(MeasureReport.GroupComponent group, string code)
        => group.Stratifier.Single(s => s.Code[0].Coding[0].Code == code).Stratum.ToDictionary(s => s.Value!.Coding[0].Code ?? "", s => s.Population[0].Count);

    private static async System.Threading.Tasks.Task SubmitAsync(HttpClient client, string author, string respondent, string? language)
    {
        var response = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, "before-your-visit.json")))!.AsObject();
        response.Remove("id");
        response["subject"] = new JsonObject { ["reference"] = "Patient/uptake-pat" };
        response["author"] = new JsonObject { ["reference"] = author };
        response["source"] = new JsonObject { ["reference"] = "Patient/uptake-pat" };
        if (language is not null)
        {
            response["language"] = language;
        }

        foreach (var item in response["item"]!.AsArray())
        {
            if (item!["linkId"]!.GetValue<string>() == "respondent")
            {
                item["answer"]![0]!["valueCoding"]!["code"] = respondent;
                item["answer"]![0]!["valueCoding"]!.AsObject().Remove("display");
            }
        }

        using var posted = await client.PostAsync("QuestionnaireResponse", new StringContent(response.ToJsonString(), System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
    }
}
