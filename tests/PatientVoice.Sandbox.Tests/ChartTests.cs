using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The chart shows the clinician notes and, beside them, what the patient said through PatientVoice.</summary>
public sealed class ChartTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Fact]
    public async Task The_chart_shows_clinician_notes_beside_the_patients_goals_and_notes()
    {
        var store = factory.Services.GetRequiredService<IResourceStore>();
        await WriteAsync(store, new Goal
        {
            LifecycleStatus = Goal.GoalLifecycleStatus.Proposed,
            Description = new CodeableConcept { Text = "Bailar en la boda de mi nieta" },
            Subject = new ResourceReference("Patient/maria-garcia"),
            ExpressedBy = new ResourceReference("Patient/maria-garcia"),
        });
        await WriteAsync(store, new DocumentReference
        {
            Status = DocumentReferenceStatus.Current,
            Type = new CodeableConcept("http://loinc.org", "51855-5", "Patient Note"),
            Subject = new ResourceReference("Patient/maria-garcia"),
            Description = "Before my visit",
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { ContentType = "text/html", Data = Encoding.UTF8.GetBytes("<p>Mis palabras</p><script>alert(1)</script>") } }],
        });

        var response = await factory.CreateBrowserlessClient().GetAsync("/chart/maria-garcia");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Clinician notes", html, StringComparison.Ordinal);
        Assert.Contains("In the patient's words", html, StringComparison.Ordinal);
        Assert.Contains("Bailar en la boda de mi nieta", html, StringComparison.Ordinal);
        Assert.Contains("<iframe title=\"Before my visit\" sandbox srcdoc=\"&lt;p&gt;Mis palabras&lt;/p&gt;&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_patient_list_links_every_chart_and_an_unknown_patient_is_404()
    {
        var client = factory.CreateBrowserlessClient();

        var list = await client.GetStringAsync("/");
        var unknown = await client.GetAsync("/chart/nobody-here");

        Assert.Contains("href=\"/chart/maria-garcia\"", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static async Task WriteAsync(IResourceStore store, Resource resource)
    {
        await using var session = await store.BeginWriteAsync(default);
        await session.PutAsync(resource, null, default);
        await session.CommitAsync(default);
    }
}
