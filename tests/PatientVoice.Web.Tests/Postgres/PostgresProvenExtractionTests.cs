using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Submissions;

namespace PatientVoice.Web.Tests.Postgres;

/// <summary>
/// docs/adr/0034 on PostgreSQL: a submission to one of our questionnaires, exactly as shipped and stored in PostgreSQL,
/// validates its response in full and not again what the extractor builds from it, as on SQLite (ProvenExtractionTests).
/// </summary>
public sealed class PostgresProvenExtractionTests(PostgresProvenExtractionTests.Server server) : IClassFixture<PostgresProvenExtractionTests.Server>
{
    [Fact]
    public async Task A_submission_to_our_questionnaire_stored_in_PostgreSQL_checks_the_conformance_of_its_response_only()
    {
        var client = server.CreateFhirClient();
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];
        var response = ProvenExtractionTests.GoalsResponse(patient, "http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.2.0");

        var answer = await client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(["QuestionnaireResponse"], server.Conformance.For(patient));
        Assert.Equal(["DocumentReference", "Goal", "Goal", "Provenance", "QuestionnaireResponse"], server.Other.For(patient));
    }

    /// <summary>A host on a fresh PostgreSQL database with the two recording checks of ProvenExtractionTests.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private PostgresInstance? _host;

        public ProvenExtractionTests.Recorder Conformance { get; } = new(checksConformance: true);

        public ProvenExtractionTests.Recorder Other { get; } = new(checksConformance: false);

        public async Task InitializeAsync()
        {
            var postgres = await PostgresServer.SharedAsync();
            _host = new PostgresInstance(await postgres.CreateDatabaseAsync("proven"), null, services: services =>
            {
                services.AddSingleton<IResourceWriteValidator>(Conformance);
                services.AddSingleton<IResourceWriteValidator>(Other);
            });
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }

        public HttpClient CreateFhirClient() => (_host ?? throw new InvalidOperationException("Not initialized.")).CreateFhirClient();
    }
}
