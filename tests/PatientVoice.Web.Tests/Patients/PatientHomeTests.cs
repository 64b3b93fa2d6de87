using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Storage;
using PatientVoice.Application.Clinicians.Review;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Application.EhrSync;
using PatientVoice.Web.Tests.Clinicians;
using PatientVoice.Web.Tests.Launch;
using PatientVoice.Application.ReadModels;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>The patient's home page tells them what became of what they shared: read, talked about, in their record.</summary>
[Collection(LaunchCollection.Name)]
public sealed class PatientHomeTests(LaunchFixture fixture)
{
    // One patient per test: the acknowledgements of one must not answer for the other's submissions.
    private const string Patient = "Patient/thomas-mueller";
    private const string Linda = "Patient/linda-johnson";

    [Fact]
    public async Task After_the_clinician_reads_a_submission_and_closes_its_agenda_the_home_page_says_who_read_it_when_what_became_of_each_topic_and_that_it_is_in_the_record()
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };
        await PatientPages.LaunchAsync(fixture, browser, "thomas-mueller", "thomas-mueller");
        using var fhir = PatientPages.FhirClient(fixture);
        var submissions = new PatientSubmissions(fhir, Patient);
        var topic = "My eyelids droop by the evening " + Guid.NewGuid().ToString("N")[..6];
        var response = await submissions.SubmitAsync("before-your-visit", DateTimeOffset.UtcNow,
            r => PatientSubmissions.Answer(r, "visit-agenda", topic, "Can I drive again?", "Help with sleep"));

        var before = (await PatientPages.GetAsync(fixture, browser, "/patient")).TextOf("pv-shared-" + response.Id);
        Assert.Contains("Not read yet. Your care team reads this before your visit.", before, StringComparison.Ordinal);
        Assert.DoesNotContain("medical record", before, StringComparison.Ordinal);
        Assert.DoesNotContain(topic, before, StringComparison.Ordinal);

        await Service<ReadAcknowledgements>().AcknowledgeAsync(Patient, new ResourceReference("Practitioner/dr-patel"),
            [$"QuestionnaireResponse/{response.Id}/_history/{response.Meta.VersionId}"], CancellationToken.None);
        var agenda = await AgendaOfAsync(response.Id);
        await Service<AgendaOutcomeRecorder>().RecordAsync(Patient, agenda, 1, AgendaOutcome.Addressed, new ResourceReference("Practitioner/dr-patel"), CancellationToken.None);
        await Service<AgendaOutcomeRecorder>().RecordAsync(Patient, agenda, 2, AgendaOutcome.NextVisit, new ResourceReference("Practitioner/dr-patel"), CancellationToken.None);
        await WriteBackAsync(response, DeliveryState.Delivered, null);

        var home = await PatientPages.GetAsync(fixture, browser, "/patient");
        var shared = home.TextOf("pv-shared-" + response.Id);
        // The EHR names the clinician (the acknowledgement holds only the reference).
        Assert.Contains("Your care team has read this: Dr. Priya Patel read it on ", shared, StringComparison.Ordinal);
        Assert.Contains("What you wanted to talk about", shared, StringComparison.Ordinal);
        Assert.Contains($"{topic} Talked about at your visit", shared, StringComparison.Ordinal);
        Assert.Contains("Can I drive again? Planned for your next visit", shared, StringComparison.Ordinal);
        Assert.Contains("Help with sleep No update yet", shared, StringComparison.Ordinal);
        Assert.Contains("In your medical record since ", shared, StringComparison.Ordinal);

        var spanish = await PatientPages.GetAsync(fixture, browser, "/patient/language?culture=es&returnUrl=%2Fpatient");
        Assert.Equal("es", spanish.Lang);
        var compartido = spanish.TextOf("pv-shared-" + response.Id);
        Assert.Contains("Su equipo de atención ya leyó esto: Dr. Priya Patel lo leyó el ", compartido, StringComparison.Ordinal);
        Assert.Contains("De lo que quería hablar", compartido, StringComparison.Ordinal);
        Assert.Contains($"{topic} Se habló en su visita", compartido, StringComparison.Ordinal);
        Assert.Contains("Can I drive again? Se verá en su próxima visita", compartido, StringComparison.Ordinal);
        Assert.Contains("Help with sleep Todavía no hay novedades", compartido, StringComparison.Ordinal);
        Assert.Contains("En su historia clínica desde el ", compartido, StringComparison.Ordinal);

        // Another patient's home shows none of it.
        using var other = new TestBrowser { AcceptLanguage = "en-US" };
        var theirs = await PatientPages.LaunchAsync(fixture, other, "aisha-bello", "aisha-bello");
        Assert.DoesNotContain(response.Id, theirs.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(topic, theirs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Priya Patel", theirs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_changed_after_they_were_read_and_a_write_back_that_failed_are_said_plainly()
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };
        await PatientPages.LaunchAsync(fixture, browser, "linda-johnson", "linda-johnson");
        using var fhir = PatientPages.FhirClient(fixture);
        var response = await new PatientSubmissions(fhir, Linda).SubmitAsync("my-goals", DateTimeOffset.UtcNow);
        await Service<ReadAcknowledgements>().AcknowledgeAsync(Linda, new ResourceReference("Practitioner/dr-patel") { Display = "Dr. P. Patel (Neurology)" },
            [$"QuestionnaireResponse/{response.Id}/_history/{response.Meta.VersionId}"], CancellationToken.None);

        response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        response.AuthoredElement = new FhirDateTime(DateTimeOffset.UtcNow);
        var amended = await FhirJson.ReadAsync<QuestionnaireResponse>(await fhir.PutAsync($"QuestionnaireResponse/{response.Id}", FhirJson.Content(response)));
        Assert.NotEqual(response.Meta.VersionId, amended.Meta.VersionId);
        await WriteBackAsync(amended, DeliveryState.Failed, "refused by the EHR: 422 Unprocessable Entity (OperationOutcome)", Linda);

        var shared = (await PatientPages.GetAsync(fixture, browser, "/patient")).TextOf("pv-shared-" + response.Id);

        Assert.Contains("Your care team read an earlier version on ", shared, StringComparison.Ordinal);
        Assert.Contains("They have not read your changes yet.", shared, StringComparison.Ordinal);
        Assert.Contains("We could not add this to your medical record. Your care team can still read it here", shared, StringComparison.Ordinal);
        Assert.DoesNotContain("422", shared, StringComparison.Ordinal);
        Assert.DoesNotContain("OperationOutcome", shared, StringComparison.Ordinal);
        Assert.DoesNotContain("What you wanted to talk about", shared, StringComparison.Ordinal);

        // Read again after the change: the name the acknowledgement carries is shown as it is.
        await Service<ReadAcknowledgements>().AcknowledgeAsync(Linda, new ResourceReference("Practitioner/dr-patel") { Display = "Dr. P. Patel (Neurology)" },
            [$"QuestionnaireResponse/{response.Id}/_history/{amended.Meta.VersionId}"], CancellationToken.None);
        await WriteBackAsync(amended, DeliveryState.Retrying, "EHR unavailable: 503", Linda);
        shared = (await PatientPages.GetAsync(fixture, browser, "/patient")).TextOf("pv-shared-" + response.Id);
        Assert.Contains("Your care team has read this: Dr. P. Patel (Neurology) read it on ", shared, StringComparison.Ordinal);
        Assert.Contains("Waiting to reach your medical record. We keep trying; you do not need to do anything.", shared, StringComparison.Ordinal);
        Assert.DoesNotContain("503", shared, StringComparison.Ordinal);

        // When the EHR cannot name the clinician, the page still says it was read, and shows no reference.
        await System.Threading.Tasks.Task.Delay(20);
        await Service<ReadAcknowledgements>().AcknowledgeAsync(Linda, new ResourceReference("Practitioner/dr-silva"),
            [$"QuestionnaireResponse/{response.Id}/_history/{amended.Meta.VersionId}"], CancellationToken.None);
        await fixture.Sandbox.TurnFaultOnAsync("unavailable", 60);
        try
        {
            shared = (await PatientPages.GetAsync(fixture, browser, "/patient")).TextOf("pv-shared-" + response.Id);
        }
        finally
        {
            await fixture.Sandbox.TurnFaultsOffAsync();
        }

        Assert.Contains("Your care team has read this (on ", shared, StringComparison.Ordinal);
        Assert.DoesNotContain("Practitioner", shared, StringComparison.Ordinal);
        Assert.DoesNotContain("dr-silva", shared, StringComparison.Ordinal);
    }

    private T Service<T>() where T : notnull => fixture.Services.GetRequiredService<T>();

    // The agenda List extracted from this response (its identifier starts with the response id).
    private async Task<string> AgendaOfAsync(string responseId)
    {
        var lists = await Service<RecordReader>().SearchAsync<List>([P("subject", Patient), P("code", Forms.ListKinds + "|visit-agenda")], 100, CancellationToken.None);
        return lists.Single(l => l.Identifier.Any(i => ExtractedIdentifiers.BelongsTo(i.Value, responseId))).Id!;
    }

    // The write-back Task as the worker leaves it (write-back itself is off in this host; the EHR sync tests cover the worker).
    private async Task WriteBackAsync(QuestionnaireResponse response, DeliveryState state, string? reason, string patient = Patient)
    {
        var now = DateTimeOffset.UtcNow;
        var task = EhrSyncTask.Create(new EhrSyncMessage(response.Id, int.Parse(response.Meta.VersionId, System.Globalization.CultureInfo.InvariantCulture), "provenance", patient, []), state, reason, [], now, now);
        var store = Service<IResourceStore>();
        await using var session = await store.BeginWriteAsync(CancellationToken.None);
        await session.PutAsync(task, null, CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
        // The status reader takes the most recently updated Task; the store's clock counts milliseconds.
        await System.Threading.Tasks.Task.Delay(5);
    }
}
