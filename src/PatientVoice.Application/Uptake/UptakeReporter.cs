using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Application.Invitations;
using PatientVoice.Application.ReadModels;
using PatientVoice.Fhir.Errors;
using static PatientVoice.Application.ReadModels.RecordReader;
using FhirTask = Hl7.Fhir.Model.Task;

namespace PatientVoice.Application.Uptake;

/// <summary>
/// The uptake use case (docs/adr/0031), the same for the clinic page and <c>Measure/patientvoice-uptake/$evaluate-measure</c>:
/// per week, invitations made, links opened and responses submitted, from what PatientVoice stores (invitation Tasks,
/// submission Provenance, the responses), with race and ethnicity from the EHR (<see cref="IPatientDemographicsSource"/>);
/// small counts hidden by <see cref="SmallCellSuppression"/>.
/// </summary>
public sealed partial class UptakeReporter(RecordReader records, IPatientDemographicsSource demographics, ILogger<UptakeReporter> logger)
{
    /// <summary>The longest period one report covers.</summary>
    public const int MaxWeeks = 53;

    private const int PageSize = 500;
    private const int MaxRead = 200_000;

    /// <summary>
    /// The weeks holding <paramref name="from"/> to <paramref name="to"/> (both inclusive; whole weeks, Monday to Sunday UTC).
    /// </summary>
    /// <exception cref="BadRequestException">The period is backwards or longer than <see cref="MaxWeeks"/> weeks.</exception>
    public async Task<UptakeReport> ReportAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new BadRequestException("The period ends before it starts.", "periodEnd");
        }

        var start = UptakeTabulation.WeekOf(from);
        var end = UptakeTabulation.WeekOf(to).AddDays(7);
        if ((end.DayNumber - start.DayNumber) / 7 > MaxWeeks)
        {
            throw new BadRequestException($"A report covers at most {MaxWeeks} weeks.", "periodEnd");
        }

        var startTime = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var endTime = new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var invitations = await InvitationsAsync(startTime, endTime, cancellationToken);
        var events = new List<UptakeEvent>();
        foreach (var invitation in invitations.Values)
        {
            if (invitation.Created >= startTime && invitation.Created < endTime)
            {
                events.Add(new UptakeEvent(UptakeMeasure.Invited, invitation.Created, invitation.PatientReference, UptakeCategories.LanguageOf(invitation.Language)));
            }

            if (invitation.Opened is { } opened && opened >= startTime && opened < endTime)
            {
                events.Add(new UptakeEvent(UptakeMeasure.Opened, opened, invitation.PatientReference, UptakeCategories.LanguageOf(invitation.Language)));
            }
        }

        var submissions = await SubmissionsAsync(startTime, endTime, cancellationToken);
        var patients = events.Select(e => e.Patient).Concat(submissions.Select(s => s.Patient)).Distinct(StringComparer.Ordinal).ToList();
        var known = patients.Count == 0 ? new DemographicsLookup(true, new Dictionary<string, PatientDemographics>()) : await demographics.ReadAsync(patients, cancellationToken);
        foreach (var submission in submissions)
        {
            var language = submission.InvitationId is { } link && invitations.TryGetValue(link, out var invitation) ? invitation.Language
                : submission.InvitationId is { } other && await InvitationLanguageAsync(other, cancellationToken) is { } fromTask ? fromTask
                : submission.ResponseLanguage ?? known.For(submission.Patient).PreferredLanguage;
            events.Add(new UptakeEvent(UptakeMeasure.Submitted, submission.When, submission.Patient, UptakeCategories.LanguageOf(language), submission.Respondent, submission.Channel));
        }

        LogReported(start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (end.DayNumber - start.DayNumber) / 7, events.Count, known.Available);
        return UptakeTabulation.Tabulate(start, end, events, known);
    }

    private sealed record InvitationEvents(string PatientReference, string Language, DateTimeOffset Created, DateTimeOffset? Opened);

    private sealed record Submission(string Patient, DateTimeOffset When, string Respondent, string Channel, string? InvitationId, string? ResponseLanguage);

    // Invitations made in the period, and those made up to a link's longest life before it (a visit at most 366 days
    // ahead) that may have been opened in it.
    private async Task<Dictionary<string, InvitationEvents>> InvitationsAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var tasks = await records.SearchUntilAsync<FhirTask>(
            [P("code", InvitationTask.CodeSystem + "|" + InvitationTask.Code), P("authored-on", "ge" + Instant(start.AddDays(-368))), P("authored-on", "lt" + Instant(end))],
            PageSize, MaxRead, _ => false, cancellationToken);
        var found = new Dictionary<string, InvitationEvents>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (InvitationTask.FromTask(task, 0) is { } invitation)
            {
                found[invitation.Id] = new InvitationEvents(invitation.PatientReference, invitation.Language, invitation.Created,
                    task.ExecutionPeriod?.StartElement?.ToDateTimeOffset(TimeSpan.Zero));
            }
        }

        return found;
    }

    private async Task<string?> InvitationLanguageAsync(string id, CancellationToken cancellationToken)
        => await records.ReadAsync<FhirTask>(id, cancellationToken) is { } task && InvitationTask.FromTask(task, 0) is { } invitation ? invitation.Language : null;

    // A response counts once, in the week of its first submission (its earliest submission Provenance).
    private async Task<List<Submission>> SubmissionsAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var inPeriod = await records.SearchUntilAsync<Provenance>(
            [P("recorded", "ge" + Instant(start)), P("recorded", "lt" + Instant(end))], PageSize, MaxRead, _ => false, cancellationToken);
        var responseIds = inPeriod.Select(ResponseOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var submissions = new List<Submission>();
        foreach (var id in responseIds)
        {
            if (await records.ReadAsync<QuestionnaireResponse>(id, cancellationToken) is not { } response
                || response.Status is not (QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended)
                || response.Subject?.Reference is not { Length: > 0 } patient)
            {
                continue;
            }

            var first = (await records.SearchAsync<Provenance>([P("entity", "QuestionnaireResponse/" + id)], RecordReader.DefaultCount, cancellationToken))
                .Where(p => ResponseOf(p) == id && p.Recorded is not null)
                .MinBy(p => p.Recorded!.Value);
            if (first is null || first.Recorded < start || first.Recorded >= end)
            {
                continue;
            }

            var helped = first.Agent.Any(a => HasType(a, "enterer"));
            var author = first.Agent.FirstOrDefault(a => HasType(a, "author"))?.Who?.Reference ?? response.Author?.Reference;
            var respondent = author?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true ? UptakeCategories.FamilyMember
                : helped ? UptakeCategories.Staff
                : UptakeCategories.Self;
            var invitation = response.Meta?.Tag.FirstOrDefault(t => t.System == InvitationTask.ResponseTagSystem)?.Code;
            var channel = helped ? UptakeCategories.Staff : invitation is not null ? UptakeCategories.Link : UptakeCategories.Portal;
            submissions.Add(new Submission(patient, first.Recorded!.Value, respondent, channel, invitation, response.Language));
        }

        return submissions;
    }

    // The response a submission Provenance is about: its entity with role "source" naming a QuestionnaireResponse.
    private static string? ResponseOf(Provenance provenance)
        => provenance.Entity.Where(e => e.Role == Provenance.ProvenanceEntityRole.Source)
            .Select(e => e.What?.Reference)
            .FirstOrDefault(r => r?.StartsWith("QuestionnaireResponse/", StringComparison.Ordinal) == true)?
            .Split('/')[1];

    private static bool HasType(Provenance.AgentComponent agent, string code) => agent.Type?.Coding.Any(c => c.Code == code) == true;

    private static string Instant(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Uptake report from {Start}, {Weeks} weeks: {Events} events counted; demographics available: {Demographics}")]
    private partial void LogReported(string start, int weeks, int events, bool demographics);
}
