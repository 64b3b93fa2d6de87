using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The sandbox in process, on fresh SQLite files in a temp folder, as served at http://localhost.</summary>
public sealed class SandboxFactory : WebApplicationFactory<Program>
{
    public const string EhrUrl = "http://localhost";
    public const string FhirBase = EhrUrl + "/fhir";
    public const string ClientId = "patientvoice";
    public const string ClientSecret = "test-secret";
    public const string RedirectUri = "http://localhost:5000/signin-smart";

    private readonly ScratchDirectory _data = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Sandbox:EhrUrl", EhrUrl);
        builder.UseSetting("Sandbox:AppUrl", "http://localhost:5000");
        builder.UseSetting("Sandbox:DataDirectory", _data.Path);
        builder.UseSetting("Sandbox:AllowTestLogin", "true");
        builder.UseSetting("Sandbox:AllowAnyClient", "true");
        builder.UseSetting("Sandbox:PatientVoiceClient:ClientSecret", ClientSecret);
        // The EHR alone: no PatientVoice child process, and no CDS service to wait for (port 1 refuses at once).
        builder.UseSetting("Sandbox:StartPatientVoice", "false");
        builder.UseSetting("Sandbox:SubscribeToPatientVoice", "false");
        builder.UseSetting("Sandbox:CdsServices:0", "http://127.0.0.1:1/cds-services");
    }

    public HttpClient CreateBrowserlessClient()
        => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(EhrUrl) });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _data.Dispose();
        }
    }
}
