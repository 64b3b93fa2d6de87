using PatientVoice.Testing;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Storage.Tests.Search;

/// <summary>
/// The search fixture: every Questionnaire and QuestionnaireResponse under shared/conformance (ids from
/// their file names), plus generated resources with known values (see the comments for what each id holds).
/// </summary>
public static partial class SearchFixtureData
{
    public const string WhatMatters = "http://patientvoice.example/Questionnaire/what-matters";

    public static async Task<int> LoadAsync(IResourceStore store)
    {
        var resources = Conformance().Concat(Generated()).ToList();
        await using var session = await store.BeginWriteAsync(CancellationToken.None);
        foreach (var resource in resources)
        {
            await session.PutAsync(resource, null, CancellationToken.None);
        }

        await session.CommitAsync(CancellationToken.None);
        return resources.Count;
    }

    private static IEnumerable<Resource> Conformance()
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SharedConformance, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            Resource resource;
            try
            {
                resource = FhirResourceParser.Parse(File.ReadAllText(file), FhirFormat.Json);
            }
            catch (Exception)
            {
                continue; // broken on purpose, or not a resource
            }

            if (resource is Questionnaire or QuestionnaireResponse)
            {
                var id = "c-" + NotIdChars().Replace(Path.GetFileNameWithoutExtension(file), "-");
                resource.Id = id.Length > 64 ? id[..64] : id;
                yield return resource;
            }
        }
    }

    private static IEnumerable<Resource> Generated()
    {
        yield return new Questionnaire
        {
            Id = "gq1", Url = WhatMatters, Version = "1.0", Status = PublicationStatus.Active,
            Title = "What Matters to Me", Name = "WhatMatters", Publisher = "PatientVoice",
        };

        // qr01-03 answer version 1.0, qr04-05 version 2.0; qr05 was written by a family member.
        for (var i = 1; i <= 5; i++)
        {
            yield return new QuestionnaireResponse
            {
                Id = $"qr{i:00}", Questionnaire = $"{WhatMatters}|{(i <= 3 ? "1.0" : "2.0")}",
                Status = i <= 3 ? QuestionnaireResponse.QuestionnaireResponseStatus.Completed : QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
                Subject = new ResourceReference("Patient/p1"), Authored = $"2024-08-{i:00}",
                Author = new ResourceReference(i == 5 ? "RelatedPerson/rp1" : "Patient/p1"),
            };
        }

        // g01-g40: patient p(i%4), except g40 whose subject is an absolute URL of p1; proposed 1-10,
        // active 11-30, completed 31-40; start 2024-01-01..28 then 2024-02-01..12; behavioral when i%3==0;
        // tagged pilot 1-5; no target date after 35.
        for (var i = 1; i <= 40; i++)
        {
            var goal = new Goal
            {
                Id = $"g{i:00}",
                Subject = new ResourceReference(i == 40 ? "https://ehr.example/fhir/Patient/p1" : $"Patient/p{i % 4}"),
                LifecycleStatus = i <= 10 ? Goal.GoalLifecycleStatus.Proposed : i <= 30 ? Goal.GoalLifecycleStatus.Active : Goal.GoalLifecycleStatus.Completed,
                Description = new CodeableConcept { Text = $"Goal {i} in my words" },
                Start = new Date(i <= 28 ? $"2024-01-{i:00}" : $"2024-02-{i - 28:00}"),
                Identifier = [new Identifier("urn:pv:goal", $"G-{i}")],
                Category = [i % 3 == 0
                    ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/goal-category", "behavioral", "Behavioral")
                    : new CodeableConcept("http://terminology.hl7.org/CodeSystem/goal-category", "dietary", "Dietary")],
            };
            if (i <= 5)
            {
                goal.Meta = new Meta { Tag = [new Coding("urn:pv:tag", "pilot")] };
            }

            if (i <= 35)
            {
                goal.Target = [new Goal.TargetComponent { Due = new Date("2025-06-30") }];
            }

            yield return goal;
        }

        // o01-o40: patient p(i%4); final 1-35; odd: heart rate with the string "Préférence i"; even: weight
        // i kg; effective 2024-03-ii at 10:00Z for 1-30, the period April 2024 for 31-40; 1-5 derive from qr01.
        for (var i = 1; i <= 40; i++)
        {
            yield return new Observation
            {
                Id = $"o{i:00}",
                Status = i <= 35 ? ObservationStatus.Final : ObservationStatus.Preliminary,
                Code = i % 2 == 1 ? new CodeableConcept("http://loinc.org", "8867-4", "Heart rate") : new CodeableConcept("http://loinc.org", "29463-7", "Body weight"),
                Subject = new ResourceReference($"Patient/p{i % 4}"),
                Value = i % 2 == 0 ? new Quantity(i, "kg", "http://unitsofmeasure.org") : new FhirString($"Préférence {i}"),
                Effective = i <= 30 ? new FhirDateTime($"2024-03-{i:00}T10:00:00Z") : new Period { Start = "2024-04-01", End = "2024-04-30" },
                DerivedFrom = i <= 5 ? [new ResourceReference("QuestionnaireResponse/qr01")] : [],
            };
        }

        // d01-d20: current 1-15, superseded 16-20; odd "Patient note i", even "Résumé du patient i";
        // dated 2024-06-ii 08:00Z; content at http://docs.example/di.
        for (var i = 1; i <= 20; i++)
        {
            yield return new DocumentReference
            {
                Id = $"d{i:00}",
                Status = i <= 15 ? DocumentReferenceStatus.Current : DocumentReferenceStatus.Superseded,
                Type = new CodeableConcept("http://loinc.org", "51855-5", "Patient Note"),
                Subject = new ResourceReference($"Patient/p{i % 4}"),
                Date = new DateTimeOffset(2024, 6, i, 8, 0, 0, TimeSpan.Zero),
                Description = i % 2 == 1 ? $"Patient note {i}" : $"Résumé du patient {i}",
                Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { Url = $"http://docs.example/d{i}", ContentType = "text/plain" } }],
            };
        }

        // pv01-pv20: target g(i) and o(i); recorded 2024-05-ii 12:00Z; agent p(i%4); 1-5 from qr01.
        for (var i = 1; i <= 20; i++)
        {
            yield return new Provenance
            {
                Id = $"pv{i:00}",
                Target = [new ResourceReference($"Goal/g{i:00}"), new ResourceReference($"Observation/o{i:00}")],
                Recorded = new DateTimeOffset(2024, 5, i, 12, 0, 0, TimeSpan.Zero),
                Agent = [new Provenance.AgentComponent { Who = new ResourceReference($"Patient/p{i % 4}") }],
                Entity = i <= 5 ? [new Provenance.EntityComponent { Role = Provenance.ProvenanceEntityRole.Source, What = new ResourceReference("QuestionnaireResponse/qr01") }] : [],
            };
        }

        // l01-l20: retired 9-10, else current; l01 titled "Müller's goals"; item g(i); dated 2024-07-ii.
        for (var i = 1; i <= 20; i++)
        {
            yield return new List
            {
                Id = $"l{i:00}",
                Status = i is 9 or 10 ? List.ListStatus.Retired : List.ListStatus.Current,
                Mode = ListMode.Working,
                Title = i == 1 ? "Müller's goals" : $"Goal list {i}",
                Subject = new ResourceReference($"Patient/p{i % 4}"),
                Date = $"2024-07-{i:00}",
                Entry = [new List.EntryComponent { Item = new ResourceReference($"Goal/g{i:00}") }],
            };
        }
    }

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex NotIdChars();
}
