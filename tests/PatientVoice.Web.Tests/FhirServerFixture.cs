using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PatientVoice.Web.Tests;

/// <summary>
/// The real web host in process, on a real SQLite file in a fresh temporary folder. One per test class
/// (tests in a class share the database; each test makes its own resources).
/// </summary>
public sealed class FhirServerFixture : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("patientvoice-web-").FullName;

    public string DatabasePath => Path.Combine(_directory, "patientvoice.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Sqlite:Path", DatabasePath);
        builder.UseSetting("Fhir:MaxBodyBytes", (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public HttpClient CreateFhirClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost/fhir/") });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a closing connection: the temp folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>One server (and one warm validator) for all API test classes; each test makes its own resources.</summary>
[CollectionDefinition(Name)]
public sealed class FhirServerCollection : ICollectionFixture<FhirServerFixture>
{
    public const string Name = "FHIR server";
}
