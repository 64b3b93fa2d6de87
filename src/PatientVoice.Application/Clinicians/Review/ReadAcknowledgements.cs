using PatientVoice.Application.ReadModels;
using PatientVoice.Application.Interactions;
using PatientVoice.Application.Write;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using PatientVoice.Application.Clinicians.Summary;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Application.Clinicians.Review;

/// <summary>
/// "I have read this" (docs/adr/0010): a Communication from the clinician to the patient, <c>about</c> the
/// submission versions they read, so the patient can be told "your clinician has read this". Reading the same
/// submissions twice records one.
/// </summary>
public sealed class ReadAcknowledgements(RecordReader queries, ResourceWrites writes, TimeProvider time)
{
    public const string IdentifierSystem = "http://patientvoice.example.org/fhir/sid/read-acknowledgement";
    public const string CategorySystem = "http://terminology.hl7.org/CodeSystem/communication-category";
    public const string MessageToPatient = "Your clinician has read what you shared.";

    /// <summary>The acknowledgements of this patient's submissions, newest first.</summary>
    public async Task<IReadOnlyList<ReadAcknowledgement>> ForPatientAsync(string patient, CancellationToken cancellationToken)
    {
        var found = await queries.SearchAsync<Communication>(
            [P("subject", patient), P("category", CategorySystem + "|notification"), P("_sort", "-sent")], 50, cancellationToken);
        return found.Where(c => c.Identifier.Any(i => i.System == IdentifierSystem)).Select(ViewOf).ToList();
    }

    /// <summary>Records that <paramref name="clinician"/> read <paramref name="submissions"/> (versioned references) for <paramref name="patient"/>.</summary>
    public async Task<ReadAcknowledgement> AcknowledgeAsync(string patient, ResourceReference clinician, IReadOnlyList<string> submissions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clinician);
        if (submissions.Count == 0)
        {
            throw new PatientVoice.Fhir.Errors.BadRequestException("There is nothing from this patient to acknowledge yet.");
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clinician.Reference + "\n" + string.Join('\n', submissions.Order(StringComparer.Ordinal)))));
        var communication = new Communication
        {
            Identifier = [new Identifier(IdentifierSystem, key)],
            Status = EventStatus.Completed,
            Category = [new CodeableConcept(CategorySystem, "notification", "Notification")],
            Subject = new ResourceReference(patient),
            Recipient = [new ResourceReference(patient)],
            Sender = (ResourceReference)clinician.DeepCopy(),
            Sent = new FhirDateTime(time.GetUtcNow()).Value,
            About = submissions.Select(s => new ResourceReference(s)).ToList(),
            Payload = [new Communication.PayloadComponent { Content = new FhirString(MessageToPatient) }],
        };
        var written = await writes.CreateRecordedAsync(communication, $"identifier={Uri.EscapeDataString(IdentifierSystem)}|{key}", new Actor(patient, clinician.Reference ?? string.Empty), cancellationToken);
        var stored = written.Created ? communication : await queries.ReadAsync<Communication>(written.Stored.Id, cancellationToken) ?? communication;
        return ViewOf(stored);
    }

    private static ReadAcknowledgement ViewOf(Communication c) => new(
        c.Id ?? string.Empty,
        c.Sender?.Display ?? c.Sender?.Reference,
        c.SentElement?.TryToDateTimeOffset(out var at) == true ? at : c.Meta?.LastUpdated ?? DateTimeOffset.MinValue,
        c.About.Select(a => a.Reference).OfType<string>().ToList());
}
