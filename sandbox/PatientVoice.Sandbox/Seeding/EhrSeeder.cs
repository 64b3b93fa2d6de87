using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Sandbox.Seeding;

/// <summary>
/// Creates the EHR store's schema and, on a fresh database, writes the synthetic population in one
/// transaction: patients, family members, practitioners, and per patient a condition, a past encounter with
/// its clinician note, and an upcoming appointment.
/// </summary>
internal sealed partial class EhrSeeder(IResourceStore store, TimeProvider clock, ILogger<EhrSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        if (await store.ReadAsync("Patient", EhrSeedData.Patients[0].Id, cancellationToken) is not null)
        {
            return;
        }

        var resources = Build(clock.GetUtcNow()).ToList();
        await using var session = await store.BeginWriteAsync(cancellationToken);
        foreach (var resource in resources)
        {
            await session.PutAsync(resource, ifMatchVersion: null, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        LogSeeded(logger, resources.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static IEnumerable<Resource> Build(DateTimeOffset now)
    {
        foreach (var p in EhrSeedData.Practitioners)
        {
            yield return new Practitioner
            {
                Id = p.Id,
                Active = true,
                Name = [new HumanName { Given = [p.Given], Family = p.Family, Prefix = p.Prefix is null ? [] : [p.Prefix] }],
            };
        }

        var day = 0;
        foreach (var p in EhrSeedData.Patients)
        {
            day++;
            var clinician = EhrSeedData.ClinicianFor(p);
            var patientRef = new ResourceReference($"Patient/{p.Id}", p.DisplayName);
            var clinicianRef = new ResourceReference($"Practitioner/{clinician.Id}", clinician.DisplayName);
            var language = p.Language == "es" ? "Spanish" : "English";
            yield return new Patient
            {
                Id = p.Id,
                // The record number a clinician reads on a chart (v2 identifier type MR), as real EHRs give one.
                Identifier =
                [
                    new Identifier("http://ehr.sandbox.patientvoice.example.org/mrn", $"MRN-{100200 + day}")
                    {
                        Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
                    },
                ],
                Active = true,
                Name = [new HumanName { Given = [p.Given], Family = p.Family, Use = HumanName.NameUse.Official }],
                Gender = p.Gender == "female" ? AdministrativeGender.Female : AdministrativeGender.Male,
                BirthDate = p.BirthDate,
                Communication =
                [
                    new Patient.CommunicationComponent
                    {
                        Language = new CodeableConcept("urn:ietf:bcp:47", p.Language, language),
                        Preferred = true,
                    },
                ],
                GeneralPractitioner = [clinicianRef],
                Extension = RaceAndEthnicity(p.Id),
            };
            yield return new Condition
            {
                Id = $"cond-{p.Id}",
                Subject = patientRef,
                ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
                VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"),
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item")],
                Code = new CodeableConcept("http://snomed.info/sct", p.ConditionCode, p.ConditionText) { Text = p.ConditionText },
            };
            var seen = now.AddDays(-7 * day);
            yield return new Encounter
            {
                Id = $"enc-{p.Id}",
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
                Subject = patientRef,
                Participant = [new Encounter.ParticipantComponent { Individual = clinicianRef }],
                Period = new Period { Start = seen.ToString("o"), End = seen.AddMinutes(20).ToString("o") },
            };
            yield return new DocumentReference
            {
                Id = $"note-{p.Id}",
                Status = DocumentReferenceStatus.Current,
                Type = new CodeableConcept("http://loinc.org", "11506-3", "Progress note"),
                Category = [new CodeableConcept("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note", "Clinical Note")],
                Subject = patientRef,
                Date = seen.AddMinutes(30),
                Author = [clinicianRef],
                Content =
                [
                    new DocumentReference.ContentComponent
                    {
                        Attachment = new Attachment
                        {
                            ContentType = "text/plain; charset=utf-8",
                            Language = "en",
                            Data = System.Text.Encoding.UTF8.GetBytes(p.Note),
                            Title = $"Clinic note — {p.ConditionText}",
                        },
                    },
                ],
                Context = new DocumentReference.ContextComponent { Encounter = [new ResourceReference($"Encounter/enc-{p.Id}")] },
            };
            var next = now.Date.AddDays(day + 2).AddHours(9);
            yield return new Appointment
            {
                Id = $"appt-{p.Id}",
                Status = Appointment.AppointmentStatus.Booked,
                Description = $"Follow-up: {p.ConditionText}",
                Start = new DateTimeOffset(next, TimeSpan.Zero),
                End = new DateTimeOffset(next.AddMinutes(20), TimeSpan.Zero),
                Participant =
                [
                    new Appointment.ParticipantComponent { Actor = patientRef, Status = ParticipationStatus.Accepted },
                    new Appointment.ParticipantComponent { Actor = clinicianRef, Status = ParticipationStatus.Accepted },
                ],
            };
        }

        foreach (var r in EhrSeedData.FamilyMembers)
        {
            yield return new RelatedPerson
            {
                Id = r.Id,
                Active = true,
                Patient = new ResourceReference($"Patient/{r.PatientId}", EhrSeedData.PatientName(r.PatientId)),
                Relationship = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", r.RelationshipCode, r.Relationship)],
                Name = [new HumanName { Given = [r.Given], Family = r.Family }],
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the sandbox EHR with {Count} resources")]
    private static partial void LogSeeded(ILogger logger, int count);
    private static readonly Dictionary<string, string> OmbNames = new()
    {
        ["1002-5"] = "American Indian or Alaska Native", ["2028-9"] = "Asian", ["2054-5"] = "Black or African American",
        ["2076-8"] = "Native Hawaiian or Other Pacific Islander", ["2106-3"] = "White",
        ["2135-2"] = "Hispanic or Latino", ["2186-5"] = "Not Hispanic or Latino",
    };

    // The US Core race and ethnicity extensions (ombCategory codings and the required text), when recorded.
    private static List<Extension> RaceAndEthnicity(string patientId)
    {
        const string cdc = "urn:oid:2.16.840.1.113883.6.238";
        var extensions = new List<Extension>();
        if (!EhrSeedData.RaceAndEthnicity.TryGetValue(patientId, out var recorded))
        {
            return extensions;
        }

        if (recorded.Races.Length > 0)
        {
            var race = new Extension { Url = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race" };
            race.Extension.AddRange(recorded.Races.Select(r => new Extension("ombCategory", new Coding(cdc, r, OmbNames[r]))));
            race.Extension.Add(new Extension("text", new FhirString(string.Join(", ", recorded.Races.Select(r => OmbNames[r])))));
            extensions.Add(race);
        }

        if (recorded.Ethnicity is { } ethnicity)
        {
            var extension = new Extension { Url = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity" };
            extension.Extension.Add(new Extension("ombCategory", new Coding(cdc, ethnicity, OmbNames[ethnicity])));
            extension.Extension.Add(new Extension("text", new FhirString(OmbNames[ethnicity])));
            extensions.Add(extension);
        }

        return extensions;
    }
}
