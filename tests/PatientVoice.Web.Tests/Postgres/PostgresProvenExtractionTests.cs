using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
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
    public sealed class Server : WebApplicationFactory<Program>, IAsyncLifetime
    {
        private string _connectionString = "";

        public ProvenExtractionTests.Recorder Conformance { get; } = new(checksConformance: true);

        public ProvenExtractionTests.Recorder Other { get; } = new(checksConformance: false);

        public async System.Threading.Tasks.Task InitializeAsync()
        {
            var postgres = await PostgresServer.SharedAsync();
            _connectionString = await postgres.CreateDatabaseAsync("proven");
        }

        Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

        public HttpClient CreateFhirClient()
        {
            var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost/fhir/") });
            client.DefaultRequestHeaders.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/fhir+json"));
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FhirServerFixture.Token(TestTokens.AllAccess));
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Provider", "Postgres");
            builder.UseSetting("Storage:Postgres:ConnectionString", _connectionString);
            foreach (var (key, value) in TestTokens.ServerSettings(FhirServerFixture.Audience))
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IResourceWriteValidator>(Conformance);
                services.AddSingleton<IResourceWriteValidator>(Other);
            });
        }
    }
}
