using Hl7.Fhir.Model;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Tests;

public sealed class SearchIndexerTests
{
    private static readonly SearchIndexer Indexer = new(new SearchParameterRegistry());

    private static T[] Entries<T>(Resource resource, string parameter) where T : SearchIndexEntry
        => Indexer.Extract(resource).OfType<T>().Where(e => e.ParameterName == parameter).ToArray();

    private static long Ms(int y, int m, int d, int h = 0, int min = 0, int s = 0, int ms = 0)
        => new DateTimeOffset(y, m, d, h, min, s, ms, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void The_patient_parameter_takes_the_target_type_from_the_reference_without_resolving_it()
    {
        var forPatient = new Goal { Subject = new ResourceReference("Patient/123") };
        var forGroup = new Goal { Subject = new ResourceReference("Group/7") };
        var absolute = new Goal { Subject = new ResourceReference("https://ehr.example/fhir/Patient/9/_history/2") };

        Assert.Equal([new ReferenceIndexEntry("patient", "Patient", "123", null, null)], Entries<ReferenceIndexEntry>(forPatient, "patient"));
        Assert.Empty(Entries<ReferenceIndexEntry>(forGroup, "patient"));
        Assert.Single(Entries<ReferenceIndexEntry>(forGroup, "subject"));
        Assert.Equal([new ReferenceIndexEntry("patient", "Patient", "9", "2", "https://ehr.example/fhir/Patient/9")], Entries<ReferenceIndexEntry>(absolute, "patient"));
    }

    [Fact]
    public void An_identifier_counts_for_a_typed_parameter_only_when_the_reference_says_it_is_of_that_type()
    {
        var client = new Identifier("https://issuer.example/", "portal-app");
        var mrn = new Identifier("urn:oid:1.2.36.146.595.217.0.1", "12345");
        var audit = new AuditEvent
        {
            Agent =
            [
                // The client application, by identifier alone: AuditEvent.patient is agent.who.where(resolve() is Patient).
                new AuditEvent.AgentComponent { Who = new ResourceReference { Identifier = client }, Requestor = true },
            ],
            Entity =
            [
                new AuditEvent.EntityComponent { What = new ResourceReference { Identifier = mrn, Type = "Patient" } },
                new AuditEvent.EntityComponent { What = new ResourceReference { Identifier = new Identifier("urn:x", "goal-1"), Type = "http://hl7.org/fhir/StructureDefinition/Goal" } },
                new AuditEvent.EntityComponent { What = new ResourceReference("Patient/7") { Identifier = new Identifier("urn:x", "seven") } },
            ],
        };

        var patient = Entries<TokenIndexEntry>(audit, "patient:identifier");
        Assert.Equal(["12345", "seven"], patient.Select(e => e.Code).Order(StringComparer.Ordinal));
        // agent:identifier has no type filter: the client is found by it, as the audit trail's tests search.
        Assert.Equal(["portal-app"], Entries<TokenIndexEntry>(audit, "agent:identifier").Select(e => e.Code));
        Assert.Equal(new[] { "12345", "goal-1", "seven" }, Entries<TokenIndexEntry>(audit, "entity:identifier").Select(e => e.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_canonical_reference_keeps_its_url_and_version()
    {
        var response = new QuestionnaireResponse { Questionnaire = "http://x.example/Questionnaire/phq9|2.0" };
        Assert.Equal(
            [new ReferenceIndexEntry("questionnaire", "Questionnaire", "phq9", "2.0", "http://x.example/Questionnaire/phq9")],
            Entries<ReferenceIndexEntry>(response, "questionnaire"));
    }

    [Fact]
    public void Dates_cover_the_range_of_their_precision()
    {
        var goal = new Goal { Start = new Date("2024-05"), Target = [new Goal.TargetComponent { Due = new Date("2025") }] };
        Assert.Equal([new DateIndexEntry("start-date", Ms(2024, 5, 1), Ms(2024, 6, 1) - 1)], Entries<DateIndexEntry>(goal, "start-date"));
        Assert.Equal([new DateIndexEntry("target-date", Ms(2025, 1, 1), Ms(2026, 1, 1) - 1)], Entries<DateIndexEntry>(goal, "target-date"));

        var observation = new Observation { Effective = new FhirDateTime("2024-03-01T10:00:00+02:00") };
        Assert.Equal([new DateIndexEntry("date", Ms(2024, 3, 1, 8), Ms(2024, 3, 1, 8, 0, 0, 999))], Entries<DateIndexEntry>(observation, "date"));

        var open = new Observation { Effective = new Period { Start = "2024-04-01" } };
        Assert.Equal([new DateIndexEntry("date", Ms(2024, 4, 1), FhirDateRange.MaxMs)], Entries<DateIndexEntry>(open, "date"));
    }

    [Fact]
    public void Tokens_come_from_codings_text_identifiers_and_codes()
    {
        var goal = new Goal
        {
            LifecycleStatus = Goal.GoalLifecycleStatus.Active,
            Identifier = [new Identifier("urn:pv:goal", "G-1")],
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/goal-category", "dietary", "Dietary", "Éating well")],
        };
        Assert.Equal([new TokenIndexEntry("lifecycle-status", null, "active", null)], Entries<TokenIndexEntry>(goal, "lifecycle-status"));
        Assert.Equal([new TokenIndexEntry("identifier", "urn:pv:goal", "G-1", null)], Entries<TokenIndexEntry>(goal, "identifier"));
        Assert.Equal(
            [
                new TokenIndexEntry("category", "http://terminology.hl7.org/CodeSystem/goal-category", "dietary", "dietary"),
                new TokenIndexEntry("category", null, null, "eating well"),
            ],
            Entries<TokenIndexEntry>(goal, "category"));
    }

    [Fact]
    public void Strings_are_normalized_and_kept_exact()
    {
        var document = new DocumentReference { Description = "  Résumé  du Patient " };
        Assert.Equal([new StringIndexEntry("description", "resume du patient", "  Résumé  du Patient ")], Entries<StringIndexEntry>(document, "description"));
    }

    [Fact]
    public void Quantities_keep_value_system_code_and_unit()
    {
        var observation = new Observation { Value = new Quantity(5.40m, "kg", "http://unitsofmeasure.org") };
        Assert.Equal(
            [new QuantityIndexEntry("value-quantity", 5.40m, "http://unitsofmeasure.org", "kg", "kg")],
            Entries<QuantityIndexEntry>(observation, "value-quantity"));
    }

    [Fact]
    public void Uris_and_common_meta_parameters_are_indexed()
    {
        var questionnaire = new Questionnaire
        {
            Url = "http://x.example/Questionnaire/q",
            Meta = new Meta { Profile = ["http://x.example/StructureDefinition/p"], Tag = [new Coding("urn:t", "pilot")], Source = "urn:src" },
        };
        Assert.Equal([new UriIndexEntry("url", "http://x.example/Questionnaire/q")], Entries<UriIndexEntry>(questionnaire, "url"));
        Assert.Equal([new UriIndexEntry("_profile", "http://x.example/StructureDefinition/p")], Entries<UriIndexEntry>(questionnaire, "_profile"));
        Assert.Equal([new UriIndexEntry("_source", "urn:src")], Entries<UriIndexEntry>(questionnaire, "_source"));
        Assert.Equal([new TokenIndexEntry("_tag", "urn:t", "pilot", null)], Entries<TokenIndexEntry>(questionnaire, "_tag"));
    }

    [Fact]
    public void Numbers_come_from_parameters_added_to_the_registry()
    {
        var registry = new SearchParameterRegistry();
        var indexer = new SearchIndexer(registry);
        var observation = new Observation { Value = new Quantity(72m, "/min", "http://unitsofmeasure.org") };
        // Indexed once before the parameter exists: what the registry answers per type is kept, and an Add replaces it.
        Assert.Empty(indexer.Extract(observation).OfType<NumberIndexEntry>());
        registry.Add("Observation", "value-number", SearchParamType.Number, "urn:test:value-number", "(Observation.value as Quantity).value");
        Assert.Equal([new NumberIndexEntry("value-number", 72m)], indexer.Extract(observation).OfType<NumberIndexEntry>());
        Assert.Contains(registry.ForType("Observation"), p => p.Name == "value-number");
    }

    [Fact]
    public void Every_supported_type_takes_only_its_own_branch_of_shared_expressions()
    {
        var registry = new SearchParameterRegistry();
        Assert.Equal("Goal.subject", registry.Find("Goal", "patient")!.Expression);
        Assert.Equal("Patient", registry.Find("Goal", "patient")!.RequiredTargetType);
        Assert.Equal("Observation.code", registry.Find("Observation", "code")!.Expression);
        foreach (var type in PatientVoice.Fhir.Conformance.SupportedResourceTypes.All)
        {
            Assert.Contains(registry.ForType(type), p => p.Name == "_id");
            Assert.All(registry.ForType(type).Where(p => p.Expression is not null), p => Assert.DoesNotContain("resolve()", p.Expression, StringComparison.Ordinal));
        }
    }
}
