using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The sandbox served over real HTTP on 127.0.0.1 and a free port, so that other servers (a CDS service) can reach it.</summary>
public sealed class KestrelSandbox : WebApplicationFactory<Program>
{
    private readonly ScratchDirectory _data = new();
    private readonly IReadOnlyDictionary<string, string> _settings;

    public KestrelSandbox(int port, IReadOnlyDictionary<string, string> settings)
    {
        Port = port;
        _settings = settings;
        UseKestrel(port);
        StartServer();
    }

    public int Port { get; }

    public string EhrUrl => $"http://127.0.0.1:{Port}";

    public string FhirBase => EhrUrl + "/fhir";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Sandbox:EhrUrl", EhrUrl);
        builder.UseSetting("Sandbox:AppUrl", "http://localhost:5000");
        builder.UseSetting("Sandbox:DataDirectory", _data.Path);
        builder.UseSetting("Sandbox:PatientVoiceClient:ClientSecret", SandboxFactory.ClientSecret);
        builder.UseSetting("Sandbox:StartPatientVoice", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client of the real server that keeps cookies (anti-forgery) and follows no redirects.</summary>
    public HttpClient CreateHttpClient()
        => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(EhrUrl) };

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
