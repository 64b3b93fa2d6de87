using Hl7.Fhir.Model;
using PatientVoice.Storage;
using PatientVoice.Application.Clinicians.Review;
using PatientVoice.Application.EhrSync;

namespace PatientVoice.Web.Patients;

/// <summary>
/// Builds the home page's <see cref="SharedItem"/>s for the patient in the session: what the care team did with each
/// submission (<see cref="ClinicianFollowUpReader"/>, docs/adr/0010 and 0011) and where its write-back to the EHR
/// stands (<see cref="EhrSyncStatusReader"/>). It is given only the session patient's own responses, and reads
/// acknowledgements, agendas and outcomes by that patient only.
/// </summary>
public sealed class SharedItemReader(ClinicianFollowUpReader followUps, EhrSyncStatusReader writeBack, CareTeamNames names)
{
    public async Task<IReadOnlyList<SharedItem>> ReadAsync(
        PatientContext context,
        IReadOnlyList<(QuestionnaireResponse Response, StoredResource Stored)> submitted,
        IReadOnlyList<PatientQuestionnaire> offered,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(submitted);
        ArgumentNullException.ThrowIfNull(offered);
        var own = submitted.Where(s => s.Response.Subject?.Reference == context.PatientReference).ToList();
        var followUp = await followUps.ForSubmissionsAsync(
            context.PatientReference,
            own.Select(s => new SharedSubmission(s.Stored.Id, s.Stored.VersionId, s.Stored.LastUpdated)).ToList(),
            cancellationToken);
        var items = new List<SharedItem>(own.Count);
        foreach (var (response, stored) in own)
        {
            var questionnaire = offered.FirstOrDefault(q => q.Questionnaire.Url == PatientQuestionnaires.UrlOf(response.Questionnaire));
            var done = followUp.TryGetValue(stored.Id, out var found) ? found : new SubmissionFollowUp(null, []);
            var read = done.Read switch
            {
                null => SharedItemRead.NotYet,
                { EarlierVersion: true } => SharedItemRead.EarlierVersion,
                _ => SharedItemRead.Read,
            };
            var by = done.Read is { } r ? await names.NameAsync(context.Session, r.Acknowledgement.By, cancellationToken) : null;
            var record = await writeBack.ForResponseAsync(stored.Id, cancellationToken);
            items.Add(new SharedItem(questionnaire, stored.Id, stored.LastUpdated, read, done.Read?.Acknowledgement.When, by, done.Agenda, record));
        }

        return items;
    }
}
