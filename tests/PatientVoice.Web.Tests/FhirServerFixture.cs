using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests;

/// <summary>
/// The real web host in process, on a real SQLite file in a fresh temporary folder. One per test class
/// (tests in a class share the database; each test makes its own resources).
/// </summary>
public class FhirServerFixture : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("patientvoice-web-").FullName;

    public string DatabasePath => Path.Combine(_directory, "patientvoice.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Sqlite:Path", DatabasePath);
        builder.UseSetting("Fhir:MaxBodyBytes", (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The FHIR API takes bearer tokens: trust the tests' issuer (a real ES256 JWT, validated by the real pipeline).
        foreach (var (key, value) in TestTokens.ServerSettings(Audience))
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The FHIR base as the in-process clients call it: the aud of the tests' tokens.</summary>
    public const string Audience = "http://localhost/fhir";

    /// <summary>A client with a token for every type and every patient (and the audit trail).</summary>
    public HttpClient CreateFhirClient() => CreateFhirClient(TestTokens.Create(Audience, TestTokens.AllAccess));

    /// <summary>A client that sends <paramref name="accessToken"/> as its bearer token (none when null).</summary>
    public HttpClient CreateFhirClient(string? accessToken)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost/fhir/") });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        // The first write waits for the validator to warm (about 20 s; over 100 s on a machine shared by many builds).
        client.Timeout = TimeSpan.FromMinutes(5);
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    /// <summary>A valid token of the tests' issuer for this server.</summary>
    public static string Token(string scope, string? patient = null, string? fhirUser = null, string clientId = "test-client")
        => TestTokens.Create(Audience, scope, patient, fhirUser, clientId);

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
