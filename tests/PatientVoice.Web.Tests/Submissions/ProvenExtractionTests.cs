using System.Collections.Concurrent;
using System.Net;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Submissions;

/// <summary>
/// docs/adr/0034: a submission to one of our questionnaires, exactly as shipped, validates its response in full and not
/// again what the extractor builds from it (the extraction proof in PatientVoice.Fhir.Tests shows that is the same
/// decision); a questionnaire under our url that is not as shipped gets everything it extracts validated in full; and
/// the checks that are not about conformance still see every resource. Both doors: the direct endpoint and a transaction.
/// </summary>
public sealed class ProvenExtractionTests(ProvenExtractionTests.Server server) : IClassFixture<ProvenExtractionTests.Server>
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task A_submission_to_our_questionnaire_checks_the_conformance_of_its_response_and_not_again_of_what_was_built_from_it()
    {
        var patient = NewPatient();

        var response = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(GoalsResponse(patient, "http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.2.0")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["QuestionnaireResponse"], server.Conformance.For(patient));
        // Every other check still saw everything the submission stored.
        Assert.Equal(["DocumentReference", "Goal", "Goal", "Provenance", "QuestionnaireResponse"], server.Other.For(patient));
    }

    [Fact]
    public async Task In_a_transaction_the_same_submission_is_checked_the_same_way()
    {
        var patient = NewPatient();
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:6f1c1d64-3d4e-4a35-9d64-0d8a4f0f3b11",
                    Resource = GoalsResponse(patient, "http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.2.0"),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" },
                },
            ],
        };

        var answer = await _client.PostAsync(string.Empty, FhirJson.Content(bundle));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["QuestionnaireResponse"], server.Conformance.For(patient));
        Assert.Equal(["DocumentReference", "Goal", "Goal", "Provenance", "QuestionnaireResponse"], server.Other.For(patient));
    }

    [Fact]
    public async Task A_questionnaire_stored_under_our_url_but_changed_gets_what_it_extracts_validated_in_full()
    {
        // Our "My goals" with one change: goals extracted from it no longer get the category our goal profile requires.
        var changed = FhirSerializer.Parse<Questionnaire>(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "profiles", "Questionnaire-my-goals.json")));
        changed.Id = null;
        changed.Version = "0.2.0-local";
        changed.Item.Single(i => i.LinkId == "goal").Extension.RemoveAll(e => e.GetExtension("definition")?.Value is FhirUri { Value: { } path } && path.EndsWith("#Goal.category", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("Questionnaire", FhirJson.Content(changed))).StatusCode);
        var patient = NewPatient();

        var refused = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(GoalsResponse(patient, "http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.2.0-local")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(refused);
        // The first extracted goal (entry 1 of the submission's transaction) lacks the category: found by full validation.
        Assert.Contains(outcome.Issue, i => i.Expression.Contains("Bundle.entry[1].resource.category"));
        // Nothing of the submission was stored.
        var stored = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}"));
        Assert.Empty(stored.Entry);
    }

    private static string NewPatient() => "p-" + Guid.NewGuid().ToString("N")[..12];

    internal static QuestionnaireResponse GoalsResponse(string patient, string questionnaire)
    {
        var response = FhirJson.CompletedResponse("my-goals");
        response.Id = null;
        response.Questionnaire = questionnaire;
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        response.Source = response.Source is null ? null : new ResourceReference($"Patient/{patient}");
        return response;
    }

    /// <summary>The real server with two more write checks that record what they are asked about: one a conformance check, one not.</summary>
    public sealed class Server : FhirServerFixture
    {
        public Recorder Conformance { get; } = new(checksConformance: true);

        public Recorder Other { get; } = new(checksConformance: false);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IResourceWriteValidator>(Conformance);
                services.AddSingleton<IResourceWriteValidator>(Other);
            });
        }
    }

    /// <summary>Records the type of each resource it checks, by the patient it is about; accepts everything.</summary>
    public sealed class Recorder(bool checksConformance) : IResourceWriteValidator
    {
        private readonly ConcurrentQueue<(string Patient, string Type)> _checked = new();

        public bool ChecksConformance => checksConformance;

        public ValueTask ValidateAsync(Resource resource, CancellationToken cancellationToken)
        {
            if (PatientOf(resource) is { } patient)
            {
                _checked.Enqueue((patient, resource.TypeName));
            }

            return ValueTask.CompletedTask;
        }

        public IReadOnlyList<string> For(string patient) =>
            [.. _checked.Where(c => c.Patient == patient).Select(c => c.Type).Order(StringComparer.Ordinal)];

        private static string? PatientOf(Resource resource)
        {
            var json = FhirSerializer.ToJson(resource);
            var at = json.IndexOf("Patient/p-", StringComparison.Ordinal);
            return at < 0 ? null : json.Substring(at + "Patient/".Length, 14);
        }
    }
}
