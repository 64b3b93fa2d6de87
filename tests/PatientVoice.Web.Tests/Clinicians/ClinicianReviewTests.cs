using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir.Errors;
using PatientVoice.Application.Clinicians.Review;
using PatientVoice.Application.Clinicians.Summary;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>What a clinician records on the summary, stored as FHIR through the real write path and read back by the patient side.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class ClinicianReviewTests(FhirServerFixture server)
{
    private static readonly ResourceReference DrPatel = new("Practitioner/dr-patel");
    private static readonly DateTimeOffset LastWeek = DateTimeOffset.UtcNow.AddDays(-7);

    private readonly HttpClient _fhir = server.CreateFhirClient();
    private readonly PatientSubmissions _patient = new(server.CreateFhirClient());
    private T Service<T>() where T : notnull => server.Services.GetRequiredService<T>();

    [Fact]
    public async Task Acknowledging_records_a_communication_to_the_patient_that_the_patient_side_reads_as_read()
    {
        await _patient.SubmitAsync("before-your-visit", LastWeek);
        var summary = await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None);
        Assert.False(summary.ReadSinceLastSubmission);

        await Service<ReadAcknowledgements>().AcknowledgeAsync(_patient.Patient, DrPatel, summary.Submissions, CancellationToken.None);

        var stored = await FhirJson.ReadAsync<Bundle>(await _fhir.GetAsync($"Communication?subject={_patient.Patient}"));
        var communication = (Communication)Assert.Single(stored.Entry).Resource;
        Assert.Equal("Practitioner/dr-patel", communication.Sender.Reference);
        Assert.Equal(_patient.Patient, Assert.Single(communication.Recipient).Reference);
        Assert.Equal(summary.Submissions, communication.About.Select(a => a.Reference));
        var followUp = await Service<ClinicianFollowUpReader>().ForPatientAsync(_patient.Patient, CancellationToken.None);
        Assert.True(followUp.ReadSinceLastSubmission);
        Assert.Equal("Your clinician has read this.", followUp.ReadMessage);
        Assert.True((await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).ReadSinceLastSubmission);
    }

    [Fact]
    public async Task Acknowledging_the_same_submissions_twice_records_one_and_a_new_submission_is_unread_again()
    {
        await _patient.SubmitAsync("my-goals", LastWeek);
        var summary = await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None);
        await Service<ReadAcknowledgements>().AcknowledgeAsync(_patient.Patient, DrPatel, summary.Submissions, CancellationToken.None);
        await Service<ReadAcknowledgements>().AcknowledgeAsync(_patient.Patient, DrPatel, summary.Submissions, CancellationToken.None);

        await _patient.SubmitAsync("my-care-preferences", DateTimeOffset.UtcNow);

        Assert.Single((await FhirJson.ReadAsync<Bundle>(await _fhir.GetAsync($"Communication?subject={_patient.Patient}"))).Entry);
        var followUp = await Service<ClinicianFollowUpReader>().ForPatientAsync(_patient.Patient, CancellationToken.None);
        Assert.False(followUp.ReadSinceLastSubmission);
        Assert.Null(followUp.ReadMessage);
    }

    [Fact]
    public async Task Agreeing_a_goal_makes_it_active_keeps_the_patients_words_and_adds_the_clinicians_note_as_a_new_version()
    {
        await _patient.SubmitAsync("my-goals", LastWeek);
        var before = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Goals[0];

        var version = await Service<GoalAgreement>().AgreeAsync(_patient.Patient, before.Id, before.Version, DrPatel, "Start with the short way, via the park.", CancellationToken.None);

        Assert.Equal(before.Version + 1, version);
        var goal = await FhirJson.ReadAsync<Goal>(await _fhir.GetAsync($"Goal/{before.Id}"));
        Assert.Equal(Goal.GoalLifecycleStatus.Active, goal.LifecycleStatus);
        Assert.Equal(before.Words, goal.Description.Text);
        Assert.Equal(_patient.Patient, goal.ExpressedBy.Reference);
        var note = goal.Note.Single(n => n.Author is ResourceReference);
        Assert.Equal("Practitioner/dr-patel", ((ResourceReference)note.Author).Reference);
        Assert.Equal("Start with the short way, via the park.", note.Text);
        var after = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Goals.Single(g => g.Id == before.Id);
        Assert.True(after.IsAgreed);
        Assert.Equal(["proposed", "active"], after.History.Select(h => h.Status));
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync($"Goal/{before.Id}/_history/{before.Version}")).StatusCode);
    }

    [Fact]
    public async Task Each_thing_a_clinician_records_names_the_clinician_in_a_provenance_once_and_the_patients_words_stay_the_patients()
    {
        await _patient.SubmitAsync("my-goals", LastWeek);
        await _patient.SubmitAsync("before-your-visit", LastWeek);
        var summary = await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None);
        var goal = summary.Goals[0];

        var version = await Service<GoalAgreement>().AgreeAsync(_patient.Patient, goal.Id, goal.Version, DrPatel, null, CancellationToken.None);
        var acknowledged = await Service<ReadAcknowledgements>().AcknowledgeAsync(_patient.Patient, DrPatel, summary.Submissions, CancellationToken.None);
        await Service<ReadAcknowledgements>().AcknowledgeAsync(_patient.Patient, DrPatel, summary.Submissions, CancellationToken.None);
        await Service<AgendaOutcomeRecorder>().RecordAsync(_patient.Patient, summary.Agenda!.ListId, 1, AgendaOutcome.Addressed, DrPatel, CancellationToken.None);

        var agreed = await ProvenancesAsync($"Goal/{goal.Id}/_history/{version}");
        Assert.Equal("Practitioner/dr-patel", Assert.Single(agreed).Agent.Single().Who.Reference);
        Assert.Equal("UPDATE", agreed[0].Activity.Coding.Single().Code);
        var read = await ProvenancesAsync($"Communication/{acknowledged.Id}");
        Assert.Equal("CREATE", Assert.Single(read).Activity.Coding.Single().Code); // acknowledged twice, recorded once
        var tasks = await FhirJson.ReadAsync<Bundle>(await _fhir.GetAsync($"Task?focus=List/{summary.Agenda.ListId}"));
        Assert.Single(await ProvenancesAsync($"Task/{Assert.Single(tasks.Entry).Resource.Id}"));
        // Agreeing is not the patient changing their goal on My goals: who wrote the words is unchanged.
        var after = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Goals.Single(g => g.Id == goal.Id);
        Assert.Equal(goal.Authorship, after.Authorship);
    }

    private async Task<List<Provenance>> ProvenancesAsync(string target)
        => (await FhirJson.ReadAsync<Bundle>(await _fhir.GetAsync($"Provenance?target={target.Split("/_history")[0]}")))
            .Entry.Select(e => (Provenance)e.Resource!).Where(p => p.Target.Any(t => t.Reference == target || t.Reference.StartsWith(target + "/_history/", StringComparison.Ordinal))).ToList();

    [Fact]
    public async Task An_agreed_goal_stays_on_the_summary_after_the_patient_submits_new_goals()
    {
        await _patient.SubmitAsync("my-goals", LastWeek.AddDays(-30));
        var first = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Goals[0];
        await Service<GoalAgreement>().AgreeAsync(_patient.Patient, first.Id, first.Version, DrPatel, null, CancellationToken.None);

        await _patient.SubmitAsync("my-goals", LastWeek, r => r.Item.RemoveAll(i => i.LinkId == "goal" && i.Item.Any(g => g.LinkId == "goal-text" && g.Answer[0].Value.ToString()!.StartsWith("Walk", StringComparison.Ordinal))));

        var summary = await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None);
        Assert.Contains(summary.Goals, g => g.Id == first.Id && g.IsAgreed);
        Assert.Contains(summary.Goals, g => g.Words == "Sleep through the night");
    }

    [Fact]
    public async Task Agreeing_a_goal_that_changed_meanwhile_is_refused()
    {
        await _patient.SubmitAsync("my-goals", LastWeek);
        var goal = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Goals[0];
        await Service<GoalAgreement>().AgreeAsync(_patient.Patient, goal.Id, goal.Version, DrPatel, null, CancellationToken.None);

        await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Service<GoalAgreement>().AgreeAsync(_patient.Patient, goal.Id, goal.Version, DrPatel, "late", CancellationToken.None));
    }

    [Fact]
    public async Task Another_patients_goal_cannot_be_agreed_from_this_patients_summary()
    {
        await _patient.SubmitAsync("my-goals", LastWeek);
        var goal = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Goals[0];

        await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            Service<GoalAgreement>().AgreeAsync("Patient/someone-else", goal.Id, goal.Version, DrPatel, null, CancellationToken.None));
    }

    [Fact]
    public async Task Closing_the_loop_on_agenda_topics_is_shown_on_the_summary_and_to_the_patient_and_kept_as_history()
    {
        await _patient.SubmitAsync("before-your-visit", LastWeek);
        var agenda = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Agenda!;
        var recorder = Service<AgendaOutcomeRecorder>();

        await recorder.RecordAsync(_patient.Patient, agenda.ListId, 1, AgendaOutcome.Deferred, DrPatel, CancellationToken.None);
        await recorder.RecordAsync(_patient.Patient, agenda.ListId, 1, AgendaOutcome.Addressed, DrPatel, CancellationToken.None);
        await recorder.RecordAsync(_patient.Patient, agenda.ListId, 3, AgendaOutcome.NextVisit, DrPatel, CancellationToken.None);

        var summary = await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None);
        Assert.Equal([AgendaOutcome.Addressed, (AgendaOutcome?)null, AgendaOutcome.NextVisit], summary.Agenda!.Items.Select(i => i.Outcome?.Outcome));
        var followUp = await Service<ClinicianFollowUpReader>().ForPatientAsync(_patient.Patient, CancellationToken.None);
        Assert.Equal("Talked about today", followUp.Agenda[0].Outcome!.Label);
        Assert.Equal("For the next visit", followUp.Agenda[2].Outcome!.Label);
        var tasks = await FhirJson.ReadAsync<Bundle>(await _fhir.GetAsync($"Task?focus=List/{agenda.ListId}"));
        Assert.Equal(2, tasks.Entry.Count);
        var first = tasks.Entry.Select(e => (Hl7.Fhir.Model.Task)e.Resource).Single(t => t.Description == "My new water pill makes me dizzy");
        Assert.Equal("2", first.Meta.VersionId);
        var list = await FhirJson.ReadAsync<List>(await _fhir.GetAsync($"List/{agenda.ListId}"));
        Assert.Equal("1", list.Meta.VersionId);
    }

    [Fact]
    public async Task A_topic_that_is_not_on_the_agenda_is_refused()
    {
        await _patient.SubmitAsync("before-your-visit", LastWeek);
        var agenda = (await Service<ClinicianSummaryReader>().ReadAsync(_patient.Patient, CancellationToken.None)).Agenda!;

        await Assert.ThrowsAsync<BadRequestException>(() =>
            Service<AgendaOutcomeRecorder>().RecordAsync(_patient.Patient, agenda.ListId, 9, AgendaOutcome.Addressed, DrPatel, CancellationToken.None));
    }
}
