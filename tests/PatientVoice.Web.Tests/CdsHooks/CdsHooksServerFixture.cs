using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.CdsHooks;

/// <summary>PatientVoice on Kestrel (127.0.0.1, a free port) trusting one test EHR whose JWKS is served over HTTP too.</summary>
public sealed class CdsHooksServerFixture : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("patientvoice-cds-").FullName;

    public CdsHooksServerFixture()
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public TestEhrKeys Ehr { get; } = new();

    /// <summary>Where PatientVoice listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public HttpClient Http { get; } = new();

    public HttpClient CreateFhirClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/fhir/") };
        client.DefaultRequestHeaders.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Create(FhirServerFixture.Audience, TestTokens.AllAccess));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Sqlite:Path", Path.Combine(_directory, "patientvoice.db"));
        builder.UseSetting("CdsHooks:Clients:0:Issuer", TestEhrKeys.Issuer);
        builder.UseSetting("CdsHooks:Clients:0:JwksUrl", Ehr.JwksUrl);
        foreach (var (key, value) in TestTokens.ServerSettings(FhirServerFixture.Audience))
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Http.Dispose();
            Ehr.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
